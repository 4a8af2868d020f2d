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
}
