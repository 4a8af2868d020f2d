import Foundation
import Testing
import Ledger
@testable import TrackerCore

/// The claim transaction judges owners as `check` does (`ClaimOwners`): a
/// reused pid is not the owner, and an owner holds what its claims do not.
@Suite struct LedgerOwnerJudgementTests {
    static func pinned(_ pid: Int32, cpus: CPUSet) -> Holder {
        Holder(kind: .kernel, id: "pid:\(pid)", name: "qemu-kvm", pid: pid, comm: "qemu-kvm", cpus: cpus)
    }

    /// Claim a for pid 50 (started at 1) takes one of dedicated CPUs 2-3.
    static func claimA(_ ledger: Ledger) throws -> (host: HostSnapshot, cpu: Int) {
        let host = LedgerFixture.host(pcpus: [2, 3], devices: false)
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a", pid: 50, pidStartTime: 1),
                                 snapshot: host, actor: LedgerFixture.actor)
        return (host, try #require(a.usage.pinnedCPUs.min()))
    }

    @Test func aReusedOwnerPidBlocksTheCPUItPins() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let (host, cpu) = try Self.claimA(ledger)
        let other = cpu == 2 ? 3 : 2
        // Pid 50 now started at 99: another process, pinned to the free CPU.
        let seen = Observations(now: 0, processes: [50: .alive(startTime: 99)], holders: [Self.pinned(50, cpus: [other])])
        #expect {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: host,
                             actor: LedgerFixture.actor, observations: seen)
        } throws: { error in
            guard case LedgerError.noFit(let reason)? = error as? LedgerError else { return false }
            return reason.hasPrefix("CPU \(other) is pinned by pid 50 (qemu-kvm), not by a restrack claim; ")
        }
        // check judges it the same way: outside use of that CPU.
        let report = try ledger.check(snapshot: host, observe: { _, now in
            Observations(now: now, processes: [50: .alive(startTime: 99)], holders: [Self.pinned(50, cpus: [other])])
        })
        #expect(report.problems.contains { $0.kind == .outsideUse && $0.resource == "CPU \(other)" })
    }

    @Test func anOwnerPinnedBeyondItsClaimBlocksTheRest() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let (host, cpu) = try Self.claimA(ledger)
        let other = cpu == 2 ? 3 : 2
        // The owner itself (same start time) is pinned to both CPUs.
        let seen = Observations(now: 0, processes: [50: .alive(startTime: 1)], holders: [Self.pinned(50, cpus: [2, 3])])
        #expect {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: host,
                             actor: LedgerFixture.actor, observations: seen)
        } throws: { error in
            guard case LedgerError.noFit(let reason)? = error as? LedgerError else { return false }
            return reason.hasPrefix("CPU \(other) is pinned by pid 50 (qemu-kvm), not by a restrack claim; ")
        }
    }
}
