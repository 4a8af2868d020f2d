#if canImport(Glibc)
import Glibc
#endif
import TrackerCore

/// The `cpuN` lines of `/proc/stat`, parsed from bytes: on a 512-CPU host
/// polled every second this runs 512 times a second, so it walks the buffer
/// once with no string splitting or allocation per field.
enum ProcStatParser {
    struct Parsed: Equatable {
        /// (CPU id, its counters), in file order.
        var cpus: [(id: Int, times: CPUTimes)] = []
        /// `cpu…` lines that could not be read (no id, fewer than the four
        /// fields every kernel writes, a number that does not fit).
        var garbledLines = 0

        static func == (a: Parsed, b: Parsed) -> Bool {
            a.garbledLines == b.garbledLines && a.cpus.elementsEqual(b.cpus) { $0.id == $1.id && $0.times == $1.times }
        }
    }

    private static let c = UInt8(ascii: "c"), p = UInt8(ascii: "p"), u = UInt8(ascii: "u")
    private static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

    /// True once the bytes read so far reach past the `cpu` lines (a line
    /// that does not start with `c`), so the reader can stop before the long
    /// `intr` line.
    static func pastCPULines(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var i = max(start - 1, 0)
        // From newline to newline (memchr): a 512-CPU host's chunks are
        // tens of kilobytes, read on every poll.
        while i + 1 < end {
            guard let hit = memchr(base + i, Int32(newline), end - 1 - i) else { return false }
            let k = UnsafeRawPointer(base).distance(to: hit)
            if bytes[k + 1] != c { return true }
            i = k + 1
        }
        return false
    }

    /// `expectedCPUs`: the lines the last read had, so the list is sized once.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, expectedCPUs: Int = 64) -> Parsed {
        var out = Parsed()
        out.cpus.reserveCapacity(min(max(expectedCPUs, 1), CPUSet.maxCPUId + 1))
        guard let base = bytes.baseAddress else { return out }
        var i = 0
        let n = bytes.count
        var seenCPU = false
        while i < n {
            let lineStart = i
            // memchr: the newline search is most of the bytes looked at.
            let lineEnd = memchr(base + i, Int32(newline), n - i).map { UnsafeRawPointer(base).distance(to: $0) } ?? n
            i = lineEnd + 1
            guard lineEnd - lineStart >= 3, bytes[lineStart] == c, bytes[lineStart + 1] == p,
                  bytes[lineStart + 2] == u else {
                // The cpu lines come first and together; nothing after
                // them is ours.
                if seenCPU { break }
                continue
            }
            seenCPU = true
            var j = lineStart + 3
            // "cpu " is the all-CPU sum: per-CPU lines are what we need.
            if j < lineEnd, bytes[j] == space { continue }
            guard let (id, afterID) = number(bytes, from: j, to: lineEnd), id <= UInt64(CPUSet.maxCPUId),
                  afterID < lineEnd, bytes[afterID] == space || bytes[afterID] == tab else {
                out.garbledLines += 1
                continue
            }
            j = afterID
            var times = CPUTimes()
            var fields = 0
            var bad = false
            while j < lineEnd {
                while j < lineEnd, bytes[j] == space || bytes[j] == tab { j += 1 }
                if j >= lineEnd { break }
                guard let (value, next) = number(bytes, from: j, to: lineEnd) else { bad = true; break }
                if next < lineEnd, bytes[next] != space, bytes[next] != tab { bad = true; break }
                times.set(fields, value)
                fields += 1
                j = next
            }
            if bad || fields < 4 {
                out.garbledLines += 1
                continue
            }
            out.cpus.append((Int(id), times))
        }
        return out
    }

    /// The decimal number starting at `from` and the index after it; nil
    /// when there is no digit there or it does not fit 64 bits.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> (UInt64, Int)? {
        var k = from
        var value: UInt64 = 0
        while k < end, bytes[k] >= zero, bytes[k] <= nine {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(bytes[k] - zero))
            if o1 || o2 { return nil }
            value = s
            k += 1
        }
        return k == from ? nil : (value, k)
    }
}
