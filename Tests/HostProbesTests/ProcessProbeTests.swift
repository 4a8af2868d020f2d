import Foundation
import Testing
@testable import HostProbes
import TrackerCore

@Suite struct ProcessProbeTests {
    @Test func parsesStatWithHostileCommandName() {
        // comm "a) b (c" holds spaces and parentheses; field 22 is 987654.
        let fields = (3...52).map { $0 == 3 ? "S" : $0 == 22 ? "987654" : "\($0)" }
        let line = "4242 (a) b (c) " + fields.joined(separator: " ") + "\n"
        let stat = ProcessProbe.parseStat(line)
        #expect(stat?.state == "S")
        #expect(stat?.startTime == 987_654)
        #expect(ProcessProbe.parseStat("4242 (x) S 1 2") == nil)   // truncated
        #expect(ProcessProbe.parseStat("garbage") == nil)
    }

    @Test func ownProcessIsAliveWithStableStartTimeAndAffinity() {
        let probe = ProcessProbe()
        let me = getpid()
        let first = probe.startTime(pid: me)
        #expect(first != nil)
        #expect(probe.startTime(pid: me) == first)
        // The kernel's own view: this process may run on at least one CPU.
        #expect((probe.affinity(pid: me)?.count ?? 0) >= 1)
        // pid_max is at most 2^22, so this pid cannot exist.
        #expect(probe.startTime(pid: 4_194_305) == nil)
    }

    @Test func exitedChildIsGone() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()   // reaped: /proc/PID is gone
        #expect(ProcessProbe().startTime(pid: p.processIdentifier) == nil)
    }

    /// A `/proc` with no entry for the pid, as hidepid=2 shows another
    /// user's process: the kill(pid, 0) witness decides.
    @Test func unreadableProcIsUnknownUnlessTheSignalWitnessSaysGone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let hidden = ProcessProbe(procRoot: root, signalWitness: { _ in .notPermitted })
        guard case .unknown(let why) = hidden.liveness(pid: 777) else {
            Issue.record("EPERM from kill(777, 0) means alive, not gone: \(hidden.liveness(pid: 777))")
            return
        }
        #expect(why.contains("/777/stat") && why.contains("runs as another user"))
        #expect(hidden.startTime(pid: 777) == nil)
        // Another namespace: kill succeeds but /proc has no such entry.
        if case .unknown = ProcessProbe(procRoot: root, signalWitness: { _ in .exists }).liveness(pid: 777) {} else {
            Issue.record("a signallable pid with no /proc entry must be unknown")
        }
        #expect(ProcessProbe(procRoot: root, signalWitness: { _ in .noSuchProcess }).liveness(pid: 777) == .gone)
        // A captured tree has no witness: a missing entry there is an exit.
        #expect(ProcessProbe(procRoot: root).liveness(pid: 777) == .gone)
        // A stat file that cannot be opened (here: a directory) is not an exit either.
        try FileManager.default.createDirectory(atPath: root + "/778/stat", withIntermediateDirectories: true)
        if case .unknown = ProcessProbe(procRoot: root).liveness(pid: 778) {} else {
            Issue.record("an unreadable stat must be unknown")
        }
    }

    /// A captured `/proc` is any tree: a FIFO where a stat file belongs is
    /// refused at once (a plain open would wait for a writer forever) and
    /// the pid is unknown, named with what the file is.
    @Test func aFIFOAsTheStatFileIsUnknownWithoutHanging() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fifo = root + "/779/stat"
        try HangGuard.mkfifo(fifo)
        let liveness = try HangGuard.run(fifos: [fifo]) { ProcessProbe(procRoot: root).liveness(pid: 779) }
        guard case .unknown(let why) = liveness else {
            Issue.record("a FIFO stat file must be unknown, got \(liveness)")
            return
        }
        #expect(why == "\(fifo) is a FIFO, not a regular file")
    }

    @Test func liveWitnessSeesThisProcessAndNoImpossiblePid() {
        let probe = ProcessProbe()
        #expect(probe.liveness(pid: getpid()).startTime != nil)
        #expect(probe.liveness(pid: 4_194_305) == .gone)
    }
}
