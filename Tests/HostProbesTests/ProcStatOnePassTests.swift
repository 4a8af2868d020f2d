import Testing
@testable import HostProbes
import TrackerCore

/// `ProcStatParser.parse` reads `/proc/stat` in one pass; what it reads
/// must be what the two-pass parser it replaced (lines first, then fields)
/// read, kernel lines and garbage alike: the same CPUs, counters and
/// garbled-line count.
@Suite struct ProcStatOnePassTests {
    /// The earlier parser, kept here as the reference.
    private enum Reference {
        static let c = UInt8(ascii: "c"), p = UInt8(ascii: "p"), u = UInt8(ascii: "u")
        static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        static let zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")

        static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> ProcStatParser.Parsed {
            var out = ProcStatParser.Parsed()
            var i = 0
            let n = bytes.count
            var seenCPU = false
            while i < n {
                let lineStart = i
                var lineEnd = i
                while lineEnd < n, bytes[lineEnd] != newline { lineEnd += 1 }
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

        static func number(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int) -> (UInt64, Int)? {
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

    private static func agree(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { ProcStatParser.parse($0) == Reference.parse($0) }
    }

    @Test func kernelAndGarbledFilesReadAsBefore() {
        let cases = [
            "cpu  1 2 3 4 5 6 7 8 9 10\ncpu0 1000 0 500 100000 10 0 0 0 0 0\ncpu1 1 2 3 4\nintr 1 2 3\n",
            "cpu0 1 2 3\ncpu1 1 2 3 4 5\ncpu2 x 1 2 3\ncpu3\t1\t2\t3\t4\n", "cpu", "cpu0", "cpu0 ", "cpu0 1 2 3 4",
            "cpu0 1 2 3 4x\ncpu1 99999999999999999999 1 2 3\ncpu99999 1 2 3 4\n", "\n\ncpu0 1 2 3 4\n\n",
            "intr 1\ncpu0 1 2 3 4\nctxt 5\ncpu1 1 2 3 4\n", "cpu0  1  2  3  4  \ncpux 1 2 3 4\ncpu-1 1 2 3 4\n",
            "cpu0 1 2 3 4 5 6 7 8 9 10 11 12\ncpu1 1 2 3 4\r\n", "cp\ncpu0 1 2 3 4\n", "cpu0 1 2 3 4\ncpu0 5 6 7 8\n",
        ]
        for text in cases {
            #expect(Self.agree(Array(text.utf8)), "\(text.debugDescription)")
        }
    }

    /// Random files of the bytes the parser looks at: the two agree on all.
    @Test func randomFilesReadAsBefore() {
        let alphabet: [UInt8] = Array("cpu cpu cpu0123456789 \t\n\nix".utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let count = Int.random(in: 0...80, using: &rng)
            var bytes: [UInt8] = Int.random(in: 0...1, using: &rng) == 0 ? Array("cpu0 ".utf8) : []
            bytes += (0..<count).map { _ in alphabet.randomElement(using: &rng) ?? 0x20 }
            #expect(Self.agree(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    /// A 512-CPU file as the kernel writes it, read line for line.
    @Test func aLargeHostReadsAsBefore() {
        var text = "cpu  1 2 3 4 5 6 7 8 9 10\n"
        for id in 0..<512 { text += "cpu\(id) \(id * 7) \(id) \(id * 3) \(100_000 + id) 10 0 \(id % 5) 0 0 0\n" }
        text += "intr 12345 0 0\nctxt 99\n"
        let bytes = Array(text.utf8)
        #expect(Self.agree(bytes))
        let parsed = bytes.withUnsafeBufferPointer { ProcStatParser.parse($0) }
        #expect(parsed.cpus.count == 512 && parsed.garbledLines == 0)
        #expect(parsed.cpus.last?.times.idle == 100_511)
    }
}
