import Dashboard
import Foundation
import Ledger
import Testing
import TrackerCore
@testable import restrack

/// The dashboard's service observes the whole host on every poll and
/// fits its preview and its claims against what others hold, as the CLI does.
@Suite struct LedgerClaimServiceHolderTests {
    typealias S = LedgerClaimServiceTests

    @Test func pollsShowHoldersAndClaimsAvoidWhatTheyHold() throws {
        let dir = S.Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        // Dedicated 1-3; pid 4121 pins CPUs 1 and 2: only 3 is left.
        let holder = Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121, comm: "qemu-kvm", cpus: [1, 2])
        nonisolated(unsafe) var polls = 0
        let service = try LedgerClaimService(ledger: book, snapshot: { S.host() }, observeHost: { _, _, now in
            polls += 1
            return Observations(now: now, holders: [holder])
        })
        let state = try service.state()
        #expect(polls == 1)
        #expect(state.holders.map(\.id) == ["pid:4121"])
        #expect(state.cpuHolders[1]?.id == "pid:4121" && state.cpuHolders[2]?.id == "pid:4121")
        // Two dedicated vCPUs need two of the free CPUs; only CPU 3 is.
        let two = Request(vcpus: 2, memoryMB: 512, cpuPolicy: .dedicated)
        let preview = service.preview(two)
        #expect(!preview.fits)
        #expect(preview.reason?.hasPrefix("CPUs 1-2 are pinned by pid 4121 (qemu-kvm), not by a restrack claim; ") == true,
                "\(preview.reason ?? "")")
        let claim = try service.claim(S.pinned(), consumer: Consumer(name: "vm"), ttl: 600)
        #expect(claim.usage.pinnedCPUs == [3])
    }

    /// An idle poll reuses the last state with the new load; a holder that
    /// moved or a claim made between two polls is derived and shown at the
    /// next one.
    @Test func idlePollsDeriveOnceAndAChangeIsShownAtTheNextPoll() throws {
        let dir = S.Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        nonisolated(unsafe) var cpus: CPUSet = [1]
        nonisolated(unsafe) var busy = 10.0
        let service = try LedgerClaimService(ledger: book, snapshot: { S.host() }, observeHost: { _, _, now in
            busy += 1
            return Observations(now: now, holders: [Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121,
                                                          comm: "qemu-kvm", cpus: cpus)],
                                utilisation: Utilisation(hostBusyPct: busy))
        })
        _ = try service.state()
        let idle = try service.state()
        #expect(service.derivations == 1)
        #expect(idle.utilisation?.hostBusyPct == 12)
        #expect(idle.cpuHolders[1]?.id == "pid:4121")
        cpus = [2]
        let moved = try service.state()
        #expect(service.derivations == 2)
        #expect(moved.cpuHolders[2]?.id == "pid:4121" && moved.cpuHolders[1] == nil)
        let claim = try service.claim(S.pinned(), consumer: Consumer(name: "vm"), ttl: 600)
        let claimed = try service.state()
        #expect(service.derivations == 3)
        #expect(claimed.claims.map(\.id) == [claim.id])
    }

    /// The periodic poll may show a kept scan (`observeDisplay`); a preview,
    /// a claim and a full poll (after a write, on resuming) observe in full,
    /// so a holder that appeared since the last full scan is never missed.
    @Test func previewsClaimsAndFullPollsObserveInFullWhilePollsMayLag() throws {
        let dir = S.Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        // Dedicated 1-3; pid 4121 pinned CPUs 1 and 2 after the display's scan.
        let holder = Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121, comm: "qemu-kvm", cpus: [1, 2])
        nonisolated(unsafe) var full = 0
        nonisolated(unsafe) var display = 0
        let service = try LedgerClaimService(ledger: book, snapshot: { S.host() }, observeHost: { _, _, now in
            full += 1
            return Observations(now: now, holders: [holder])
        }, observeDisplay: { _, _, now in
            display += 1
            return Observations(now: now)
        })
        let shown = try service.state()
        #expect(display == 1 && full == 0)
        #expect(shown.holders.isEmpty)
        let two = Request(vcpus: 2, memoryMB: 512, cpuPolicy: .dedicated)
        #expect(!service.preview(two).fits)
        #expect(full == 1)
        let claim = try service.claim(S.pinned(), consumer: Consumer(name: "vm"), ttl: 600)
        #expect(claim.usage.pinnedCPUs == [3])
        #expect(full == 2)
        let refreshed = try service.fullState()
        #expect(full == 3 && display == 1)
        #expect(refreshed.holders.filter { $0.kind == .kernel }.map(\.id) == ["pid:4121"])
    }
}
