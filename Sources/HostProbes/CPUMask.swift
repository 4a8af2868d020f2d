import TrackerCore

/// The kernel's hex CPU mask format (`cpumap`, `thread_siblings`):
/// comma-separated 32-bit words, most significant first, e.g.
/// `00000000,0000000f` = CPUs 0-3.
enum CPUMask {
    static func parse(_ text: String) -> CPUSet? {
        let words = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !words.isEmpty else { return nil }
        var set = CPUSet()
        for (index, word) in words.reversed().enumerated() {
            guard !word.isEmpty, word.count <= 8, let value = UInt32(word, radix: 16) else { return nil }
            var bits = value
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                let cpu = index * 32 + bit
                guard cpu <= CPUSet.maxCPUId else { return nil }
                set.insert(cpu)
                bits &= bits - 1
            }
        }
        return set
    }
}
