import Testing
@testable import HostProbes

/// `NUMAProbe.keyedLines` splits a node's meminfo on bytes; what it finds
/// must be what splitting the decoded, trimmed text by Character finds,
/// for kernel files and garbage alike.
@Suite struct NUMAMeminfoLinesTests {
    /// The split by Character, as the probe did it before.
    private static func byText(_ bytes: [UInt8]) -> [[String]] {
        String(decoding: bytes, as: UTF8.self).trimmedSysfs.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.count >= 4 ? [String(fields[2]), String(fields[3])] : nil
        }
    }

    private static func byBytes(_ bytes: [UInt8]) -> [[String]] {
        NUMAProbe.keyedLines(bytes).map { [String($0.key), String($0.value)] }
    }

    @Test func aKernelFileGivesItsKeysAndValues() {
        let file = "Node 0 MemTotal:       268435456 kB\nNode 0 MemFree:        134217728 kB\nNode 0 MemUsed: 1 kB\n"
        #expect(Self.byBytes(Array(file.utf8)) == [["MemTotal:", "268435456"], ["MemFree:", "134217728"], ["MemUsed:", "1"]])
    }

    @Test func oddSpacingAndShortLinesSplitAsText() {
        let cases = [
            "", "\n\n", "Node 0 MemTotal: 5", "  Node\t0 \t MemTotal:\t\t7 kB  \n\n\nNode 0 MemFree: 3\n",
            "Node 0 MemTotal:\nNode 0 MemFree: x y\n", "a b c d e f\n  \n\t\n a b c", "Node 0 MemTotal: -4096 kB\n",
            "Node 0 MemTotal: 5 kB\r\nNode 0 MemFree: 2 kB\r\n", "Node 0 MemTotal: 5\0\n", "\0Node 0 MemFree: 9\0",
            "Node 0 MemTotal: 5 kB\rNode 0 MemFree: 2 kB\r", "Node 0 Mém: 5 kB\nNode 0 MemFree: 2 kB\n",
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            #expect(Self.byBytes(bytes) == Self.byText(bytes), "\(text.debugDescription)")
        }
    }

    /// Random files of the bytes that matter (separators, digits, key
    /// letters, CR, NUL, a non-ASCII byte): the two splits agree on all.
    @Test func randomFilesSplitAsText() {
        let alphabet: [UInt8] = Array(" \t\n\n\r0123456789:MemTotalFrNd-".utf8) + [0, 0xC3, 0xA9]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let count = Int.random(in: 0...60, using: &rng)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &rng) ?? 0x20 }
            #expect(Self.byBytes(bytes) == Self.byText(bytes), "\(bytes)")
        }
    }
}
