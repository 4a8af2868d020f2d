import TrackerCore

/// A CPU set as the kernel's affinity mask words (bit `i % 64` of word
/// `i / 64` is CPU `i`), so the scanner can judge each of up to 200,000
/// tasks' `sched_getaffinity` mask with a few ANDs instead of building a
/// `CPUSet` for each; only candidates become sets.
struct CPUWords: Equatable, Sendable {
    var words: [UInt64]

    init(words: [UInt64]) { self.words = words }

    init(_ set: CPUSet) {
        var w = [UInt64](repeating: 0, count: (set.max ?? -1) / 64 + 1)
        set.forEachCPU { w[$0 >> 6] |= UInt64(1) << UInt64($0 & 63) }
        words = w
    }

    func word(_ i: Int) -> UInt64 { i < words.count ? words[i] : 0 }

    /// The CPUs of `mask` (a raw affinity mask) that are also in `self`.
    func intersection(_ mask: UnsafeBufferPointer<UInt64>) -> CPUWords {
        CPUWords(words: (0..<words.count).map { words[$0] & (($0 < mask.count) ? mask[$0] : 0) })
    }

    /// True when `mask ∩ self` is all of `self`: the task may run on every
    /// CPU here, so it is not narrowed.
    func isCovered(by mask: UnsafeBufferPointer<UInt64>) -> Bool {
        for i in 0..<words.count where words[i] & ~(i < mask.count ? mask[i] : 0) != 0 { return false }
        return true
    }

    /// True when `mask ∩ self ∩ other` has a CPU.
    func meets(_ mask: UnsafeBufferPointer<UInt64>, and other: CPUWords) -> Bool {
        for i in 0..<words.count where words[i] & other.word(i) & (i < mask.count ? mask[i] : 0) != 0 { return true }
        return false
    }

    var set: CPUSet {
        var s = CPUSet()
        for (i, w0) in words.enumerated() {
            var w = w0
            while w != 0 {
                s.insert(i * 64 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
        return s
    }
}
