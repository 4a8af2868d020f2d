import Testing
import Ledger
import TrackerCore

/// The claim transaction never lands on what a libvirt domain or a kubelet
/// pod holds, and names the domain when that is why it refuses.
@Suite struct LedgerForeignHolderTests {
    static let uuid = "0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a"

    static func domain(cpus: CPUSet, state: HolderState = .running) -> Holder {
        Holder(kind: .libvirt, id: "libvirt:\(uuid)", name: "instance-0000001c", pid: 4121, cpus: cpus,
               foreign: ForeignDetail(uuid: uuid, state: state))
    }

    @Test func aClaimPicksACPUNoDomainHoldsAndIsRefusedNamingTheDomainWhenNoneIsLeft() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        // Dedicated 2-5; the domain pins 2, 3 and 5: only 4 is left.
        let host = LedgerFixture.host(pcpus: [2, 3, 4, 5], devices: false)
        let seen = Observations(now: 0, holders: [Self.domain(cpus: [2, 3, 5])])
        let first = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: host,
                                     actor: LedgerFixture.actor, observations: seen)
        #expect(first.usage.pinnedCPUs == [4])
        #expect {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: host,
                             actor: LedgerFixture.actor, observations: seen)
        } throws: { error in
            guard case LedgerError.noFit(let reason)? = error as? LedgerError else { return false }
            // Which of the domain's CPUs the fitter would have taken is its
            // choice; that the domain is named with its uuid is the point.
            return reason.hasPrefix("CPU ") && reason.contains(
                " is pinned by libvirt domain instance-0000001c (uuid \(Self.uuid)), not by a restrack claim; ")
        }
    }

    @Test func aShutOffDomainsPinsAreClaimableOnlyWithoutCountDefined() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host(pcpus: [2], devices: false)
        var seen = Observations(now: 0, holders: [Self.domain(cpus: [2], state: .defined)])
        seen.countDefined = true
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: host,
                             actor: LedgerFixture.actor, observations: seen)
        }
        seen.countDefined = false
        let claim = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: host,
                                     actor: LedgerFixture.actor, observations: seen)
        #expect(claim.usage.pinnedCPUs == [2])
    }
}
