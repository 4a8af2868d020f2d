import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// A scratch captured root holding only `proc/stat` and node meminfo files.
private struct StatRoot {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-util-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("proc"), withIntermediateDirectories: true)
    }

    func write(_ relative: String, _ text: String) throws {
        let file = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: file)
        try Data(text.utf8).write(to: file)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

private func snapshot(nodes: [Int]) -> HostSnapshot {
    HostSnapshot(hostname: "t", cells: nodes.map { NUMACell(id: $0, memoryMB: 1024) })
}

@Suite struct UtilisationProbeTests {
    /// Counters chosen so each rule changes the answer:
    ///
    /// cpu0 user 100→300, system 50→100, idle 800→900, iowait 50→100:
    ///   busy 200+50 = 250, total 250+100+50 = 400 → 62.5 %.
    /// cpu1 (a host running guests) user 1000→1600 holding guest 400→800,
    ///   system 100→150, irq 10→30, softirq 10→40, steal 60→160, idle 500→700:
    ///   busy 600+50+20+30+100 = 800, total 800+200 = 1000 → 80 %.
    ///   Adding guest again would give 1200/1400 = 85.7 %; leaving out steal
    ///   700/900 = 77.8 %.
    /// cpu2 is in the first read only (taken offline): omitted.
    /// cpu3 user 5000→4000 (went backwards), idle 5000→5100: 0 %, and it
    ///   stays out of the host figure.
    /// host: (250+800)/(400+1000) = 1050/1400 = 75 %.
    @Test func busyPercentFromTwoReads() throws {
        let root = try StatRoot()
        defer { root.remove() }
        try root.write("proc/stat", """
            cpu  6110 30 160 6310 50 10 10 60 410 10
            cpu0 100 0 50 800 50 0 0 0 0 0
            cpu1 1000 20 100 500 0 10 10 60 400 10
            cpu2 10 10 10 10 0 0 0 0 0 0
            cpu3 5000 0 0 5000 0 0 0 0 0 0
            intr 12345 1 2 3
            ctxt 99

            """)
        let probe = UtilisationProbe(root: root.path)
        let snap = snapshot(nodes: [])
        #expect(probe.next(snapshot: snap) == nil)
        try root.write("proc/stat", """
            cpu  9999 9 9 9 9 9 9 9 9 9
            cpu0 300 0 100 900 100 0 0 0 0 0
            cpu1 1600 20 150 700 0 30 40 160 800 10
            cpu3 4000 0 0 5100 0 0 0 0 0 0
            intr 12346 1 2 3

            """)
        let util = try #require(probe.next(snapshot: snap))
        #expect(util.cpuBusyPct == [0: 62.5, 1: 80, 3: 0])
        #expect(util.hostBusyPct == 75)
        #expect(probe.warnings.isEmpty)
    }

    /// iowait may go backwards (proc(5)); the rest of the line is still
    /// good. cpu0 user 100→200, idle 100→200, iowait 50→40: busy 100,
    /// total 100+100+0 = 200 → 50 %. A 2.6-era line with four fields:
    /// cpu1 10 0 10 80 → 30 0 30 140: busy 40, total 40+60 = 100 → 40 %.
    @Test func iowaitDropAndShortLines() throws {
        let root = try StatRoot()
        defer { root.remove() }
        try root.write("proc/stat", "cpu0 100 0 0 100 50 0 0 0\ncpu1 10 0 10 80\n")
        let probe = UtilisationProbe(root: root.path)
        _ = probe.next(snapshot: snapshot(nodes: []))
        try root.write("proc/stat", "cpu0 200 0 0 200 40 0 0 0\ncpu1 30 0 30 140\n")
        let util = try #require(probe.next(snapshot: snapshot(nodes: [])))
        #expect(util.cpuBusyPct == [0: 50, 1: 40])
        // (100+40)/(200+100) = 46.67 %
        #expect(abs((util.hostBusyPct ?? -1) - 140.0 / 3) < 1e-9)
    }

    /// Garbled lines are a warning and leave that CPU out; the good line
    /// still counts (cpu0: busy 10 of 20 → 50 %).
    @Test func garbledStatLines() throws {
        let root = try StatRoot()
        defer { root.remove() }
        let junk = "cpuX 1 2 3 4\ncpu7 1 2 abc 4\ncpu8 1 2\ncpu9 99999999999999999999999 0 0 0\n"
        try root.write("proc/stat", "cpu0 0 0 0 0\n" + junk)
        let probe = UtilisationProbe(root: root.path)
        _ = probe.next(snapshot: snapshot(nodes: []))
        try root.write("proc/stat", "cpu0 10 0 0 10\n" + junk)
        let util = try #require(probe.next(snapshot: snapshot(nodes: [])))
        #expect(util.cpuBusyPct == [0: 50])
        #expect(probe.warnings.contains { $0.contains("proc/stat has 4 unreadable cpu line(s)") })
    }

    /// No `/proc/stat` at all: no load (nil), a warning, no crash.
    @Test func missingStat() throws {
        let root = try StatRoot()
        defer { root.remove() }
        let probe = UtilisationProbe(root: root.path)
        #expect(probe.next(snapshot: snapshot(nodes: [])) == nil)
        #expect(probe.next(snapshot: snapshot(nodes: [])) == nil)
        #expect(probe.warnings.contains { $0.contains("proc/stat is missing") })
    }

    /// node0: 2,097,152 kB total, 1,048,576 free, 1,049,600 used →
    /// 2048/1024/1025 MiB (MemUsed as the kernel says). node1 lacks MemUsed:
    /// 4096−1024 = 3072 MiB used. node2 has garbage, node3 no file: both
    /// unknown (left out) with a warning naming the file.
    @Test func nodeMemory() throws {
        let root = try StatRoot()
        defer { root.remove() }
        let node = "sys/devices/system/node"
        try root.write("proc/stat", "cpu0 0 0 0 0\n")
        try root.write("\(node)/node0/meminfo", """
            Node 0 MemTotal:        2097152 kB
            Node 0 MemFree:         1048576 kB
            Node 0 MemUsed:         1049600 kB
            Node 0 Active:          1 kB
            """)
        try root.write("\(node)/node1/meminfo", "Node 1 MemTotal: 4194304 kB\nNode 1 MemFree: 1048576 kB\n")
        try root.write("\(node)/node2/meminfo", "Node 2 MemTotal: lots kB\nNode 2 MemFree: 1 kB\n\u{1B}[2J\n")
        let probe = UtilisationProbe(root: root.path)
        let snap = snapshot(nodes: [0, 1, 2, 3])
        _ = probe.next(snapshot: snap)
        let util = try #require(probe.next(snapshot: snap))
        #expect(util.nodeMemory == [0: NodeMemory(totalMB: 2048, freeMB: 1024, usedMB: 1025),
                                    1: NodeMemory(totalMB: 4096, freeMB: 1024, usedMB: 3072)])
        let warnings = probe.warnings
        #expect(warnings.contains { $0.contains("node2/meminfo has 'lots' for MemTotal:") })
        #expect(warnings.contains { $0.contains("node3/meminfo is missing; node 3 memory unknown") })
    }

    /// MemFree above MemTotal, or no MemFree line: unknown, never a made-up
    /// or negative used figure.
    @Test func inconsistentMeminfo() throws {
        let root = try StatRoot()
        defer { root.remove() }
        let node = "sys/devices/system/node"
        try root.write("proc/stat", "cpu0 0 0 0 0\n")
        try root.write("\(node)/node0/meminfo", "Node 0 MemTotal: 1024 kB\nNode 0 MemFree: 2048 kB\n")
        try root.write("\(node)/node1/meminfo", "Node 1 MemTotal: 1024 kB\n")
        let probe = UtilisationProbe(root: root.path)
        _ = probe.next(snapshot: snapshot(nodes: [0, 1]))
        let util = try #require(probe.next(snapshot: snapshot(nodes: [0, 1])))
        #expect(util.nodeMemory.isEmpty)
        #expect(probe.warnings.count == 2)
    }

    /// A FIFO planted at proc/stat (nothing ever writes it) must not hang
    /// the poll: the read is refused at once and the load is unknown.
    @Test(.timeLimit(.minutes(1))) func fifoAtProcStatDoesNotHang() async throws {
        let root = try StatRoot()
        defer { root.remove() }
        #expect(mkfifo(root.url.appendingPathComponent("proc/stat").path, 0o600) == 0)
        let path = root.path
        let done = DispatchSemaphore(value: 0)
        let result = StatResultBox()
        Thread.detachNewThread {
            let probe = UtilisationProbe(root: path)
            _ = probe.next(snapshot: snapshot(nodes: []))
            result.set(probe.next(snapshot: snapshot(nodes: [])) == nil, probe.warnings)
            done.signal()
        }
        let finished = done.wait(timeout: .now() + 10) == .success
        #expect(finished, "reading a FIFO at proc/stat blocked")
        let (wasNil, warnings) = result.get()
        #expect(wasNil)
        #expect(warnings.contains { $0.contains("proc/stat is not a regular file") })
    }

    /// The parser's early stop: the bytes after the cpu lines are not
    /// needed, and a newline at a chunk's end is judged with the next chunk.
    @Test func pastCPULines() {
        let text = Array("cpu0 1 2 3 4\ncpu1 1 2 3 4\nintr 5\n".utf8)
        text.withUnsafeBufferPointer { b in
            #expect(!ProcStatParser.pastCPULines(b, 0, 13))   // ends at the newline
            #expect(ProcStatParser.pastCPULines(b, 13, 27))
            #expect(!ProcStatParser.pastCPULines(b, 0, 20))
        }
    }

    /// The early stop jumps from newline to newline; it must answer as a
    /// byte-by-byte look at every newline in the chunk (and the one just
    /// before it) would, wherever the chunk starts and ends.
    @Test func pastCPULinesAgreesWithEveryNewlineLooked() {
        func reference(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
            var i = max(start - 1, 0)
            while i + 1 < end {
                if b[i] == UInt8(ascii: "\n"), b[i + 1] != UInt8(ascii: "c") { return true }
                i += 1
            }
            return false
        }
        let alphabet = Array("c\n\ncpu 1i".utf8)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0x63 }
            let start = Int.random(in: 0...bytes.count, using: &rng)
            let end = Int.random(in: start...bytes.count, using: &rng)
            bytes.withUnsafeBufferPointer { b in
                #expect(ProcStatParser.pastCPULines(b, start, end) == reference(b, start, end), "\(bytes) \(start) \(end)")
            }
        }
    }
}

/// Hands a result from the reading thread to the test.
private final class StatResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: (Bool, [String]) = (false, [])
    func set(_ wasNil: Bool, _ warnings: [String]) { lock.withLock { value = (wasNil, warnings) } }
    func get() -> (Bool, [String]) { lock.withLock { value } }
}
