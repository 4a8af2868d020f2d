import Foundation
import GRDB
import Testing
@testable import Ledger
import TrackerCore

@Suite struct LedgerClaimTests {
    @Test func claimsUntilFullEachCPUOnce() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        var cpus: [Int] = []
        // 4 dedicated CPUs → exactly four 1-CPU claims, then no fit.
        for i in 0..<4 {
            let c = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "vm\(i)"), snapshot: host,
                                     actor: LedgerFixture.actor)
            cpus += c.usage.pinnedCPUs.sorted
            #expect(c.id.count == 6)
            #expect(c.id.allSatisfy { ClaimID.alphabet.contains($0) })
        }
        #expect(cpus.sorted() == [2, 3, 4, 5])
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "late"), snapshot: host, actor: LedgerFixture.actor)
        }
        let audit = try ledger.audit()
        #expect(audit.filter { $0.action == "claim" && $0.outcome == "ok" }.count == 4)
        let refused = audit.filter { $0.outcome == "refused" }
        #expect(refused.count == 1)
        #expect(refused.first?.reason?.hasPrefix("consumer late: ") == true)
        #expect(refused.first?.user == "tester" && refused.first?.host == "testhost")
    }

    @Test func releaseFreesTheCPUForTheNextClaim() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        // Two 2-CPU claims fill the 4 dedicated CPUs.
        let a = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "a"), snapshot: host,
                                 actor: LedgerFixture.actor)
        let b = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "b"), snapshot: host,
                                 actor: LedgerFixture.actor)
        #expect(a.usage.pinnedCPUs.isDisjoint(with: b.usage.pinnedCPUs))
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "c"), snapshot: host, actor: LedgerFixture.actor)
        }
        let released = try ledger.release(a.id, reason: "guest deleted", actor: LedgerFixture.actor)
        #expect(released.state == .released && released.endedAt != nil)
        let c = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "c"), snapshot: host, actor: LedgerFixture.actor)
        #expect(c.usage.pinnedCPUs == a.usage.pinnedCPUs)
        #expect(try ledger.audit().contains { $0.action == "release" && $0.claimID == a.id && $0.reason == "guest deleted" })
    }

    @Test func hugepagesAccountedAcrossClaims() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        // 1024 × 2 MiB = 2048 MiB of hugepages: two 1024 MiB guests fill it.
        let host = LedgerFixture.host()
        for name in ["a", "b"] {
            let c = try ledger.claim(LedgerFixture.pinned(1, memoryMB: 1024, pages: .kib(2048)), consumer: Consumer(name: name),
                                     snapshot: host, actor: LedgerFixture.actor)
            #expect(c.usage.cells.first?.pages == 512)
        }
        do {
            _ = try ledger.claim(LedgerFixture.pinned(1, memoryMB: 1024, pages: .kib(2048)), consumer: Consumer(name: "c"),
                                 snapshot: host, actor: LedgerFixture.actor)
            Issue.record("a third 1 GiB hugepage guest must not fit in 2 GiB of pages")
        } catch {
            guard case .noFit = error else { Issue.record("expected noFit, got \(error)"); return }
        }
    }

    @Test func vfClaimBlocksItsPFUntilReleased() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        let vf = try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "vf")]), consumer: Consumer(name: "v"),
                                  snapshot: host, actor: LedgerFixture.actor)
        #expect(vf.usage.pciDevices.count == 1)
        #expect(vf.usage.pciDrivers[vf.usage.pciDevices[0]] == "iavf")
        // The PF is unclaimable while a VF is held (pci_device.py claim).
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "pf")]), consumer: Consumer(name: "p"),
                             snapshot: host, actor: LedgerFixture.actor)
        }
        _ = try ledger.abort(vf.id, actor: LedgerFixture.actor)
        let pf = try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "pf")]), consumer: Consumer(name: "p"),
                                  snapshot: host, actor: LedgerFixture.actor)
        #expect(pf.usage.pciDevices == [LedgerFixture.pf])
        // And with the PF held, no VF is claimable.
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "vf")]), consumer: Consumer(name: "v2"),
                             snapshot: host, actor: LedgerFixture.actor)
        }
    }

    @Test func illegalTransitionsAreRefusedAndAudited() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let c = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor)
        do {
            _ = try ledger.release("zzzzzz", actor: LedgerFixture.actor)
            Issue.record("unknown id must fail")
        } catch {
            guard case .unknownClaim(let id) = error else {
                Issue.record("expected unknownClaim, got \(error)")
                return
            }
            #expect(id == "zzzzzz")
        }
        _ = try ledger.confirm(c.id, actor: LedgerFixture.actor)
        #expect(throws: LedgerError.self) { try ledger.abort(c.id, actor: LedgerFixture.actor) }
        _ = try ledger.release(c.id, actor: LedgerFixture.actor)
        do {
            _ = try ledger.release(c.id, actor: LedgerFixture.actor)
            Issue.record("double release must fail")
        } catch {
            #expect(error.description == "claim \(c.id) is already released")
        }
        let refused = try ledger.audit().filter { $0.outcome == "refused" }.map(\.action)
        #expect(refused == ["release", "abort", "release"])
        #expect(try ledger.claim(id: c.id).state == .released)
    }

    @Test func auditReasonIsCapped() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let c = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor)
        _ = try ledger.release(c.id, reason: String(repeating: "x", count: 5000), actor: LedgerFixture.actor)
        let reason = try ledger.audit().last?.reason ?? ""
        #expect(reason.count == AuditEntry.maxReasonLength)
    }

    @Test func stuckOwnersReleasedExactlyAndAudited() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        let gone = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "gone", pid: 1111, pidStartTime: 5),
                                    snapshot: host, confirm: true, actor: LedgerFixture.actor)
        let reused = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "reused", pid: 2222, pidStartTime: 5),
                                      snapshot: host, confirm: true, actor: LedgerFixture.actor)
        let alive = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "alive", pid: 3333, pidStartTime: 5),
                                     snapshot: host, confirm: true, actor: LedgerFixture.actor)
        let hidden = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "hidden", pid: 4444, pidStartTime: 5),
                                      snapshot: host, confirm: true, actor: LedgerFixture.actor)
        let procs: [Int32: UInt64] = [2222: 6, 3333: 5]
        // 4444 is another user's live process behind hidepid: not visible, so never released.
        let oracle: Tracker.ProcessStartTime = { pid in
            if pid == 4444 { return .unknown(why: "/proc/4444/stat: No such file or directory; pid 4444 runs as another user") }
            return procs[pid].map { .alive(startTime: $0) } ?? .gone
        }
        let dry = try ledger.releaseStuck(snapshot: host, processStartTime: oracle, dryRun: true, actor: LedgerFixture.actor)
        #expect(Set(dry.map(\.claim.id)) == [gone.id, reused.id])
        #expect(try ledger.claims(states: [.released]).isEmpty)   // dry run changed nothing
        let done = try ledger.releaseStuck(snapshot: host, processStartTime: oracle, dryRun: false, actor: LedgerFixture.actor)
        #expect(Set(done.map(\.claim.id)) == [gone.id, reused.id])
        #expect(Set(try ledger.claims(states: [.confirmed]).map(\.id)) == [alive.id, hidden.id])
        let audited = try ledger.audit().filter { $0.action == "release-stuck" }
        #expect(audited.count == 2)
        #expect(audited.contains { $0.claimID == gone.id && $0.reason == "owner pid 1111 exited" })
        #expect(audited.contains { $0.claimID == reused.id && $0.reason == "owner pid 2222 now belongs to another process" })
        // Their CPUs are free again: with 'alive' and 'hidden' holding 2 of
        // the 4, two more 1-CPU claims fit and a third does not.
        for n in ["x", "y"] {
            _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: n), snapshot: host, actor: LedgerFixture.actor)
        }
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "z"), snapshot: host, actor: LedgerFixture.actor)
        }
    }

    @Test func checkFindsIndexDamageAndDrift() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host(hugeFree: 1024)
        let c = try ledger.claim(LedgerFixture.pinned(1, memoryMB: 1024, pages: .kib(2048), pci: [PCIRequestSpec(alias: "vf")]),
                                 consumer: Consumer(name: "a", pid: 4242, pidStartTime: 9), snapshot: host, confirm: true,
                                 actor: LedgerFixture.actor)
        let alive: Tracker.ProcessStartTime = { $0 == 4242 ? .alive(startTime: 9) : .gone }
        let held = c.usage.pinnedCPUs
        // All as promised: confirmed guest took its 512 pages, so ≥ 512 free is expected.
        var report = try ledger.check(snapshot: LedgerFixture.host(hugeFree: 512), processStartTime: alive,
                                      affinity: { _ in held })
        #expect(report.isHealthy)

        // Owner may run on every CPU; 100 pages went elsewhere; the VF lost its driver.
        report = try ledger.check(snapshot: LedgerFixture.host(hugeFree: 412, vfDriver: nil), processStartTime: alive,
                                  affinity: { _ in [0, 1, 2, 3, 4, 5] })
        #expect(Set(report.drift.map(\.kind)) == [.affinity, .hugepages, .driver])
        #expect(report.drift.first { $0.kind == .hugepages }?.message.contains("412 free pages, the ledger expects at least 512") == true)

        // Damage the index behind the ledger's back.
        let q = try DatabaseQueue(path: f.path)
        try q.write { db in try db.execute(sql: "DELETE FROM held_cpu") }
        report = try ledger.check(snapshot: host, processStartTime: alive, affinity: nil)
        #expect(report.integrity.count == held.count)
        #expect(report.integrity.first?.contains("of claim \(c.id) is held by nobody") == true)

        // The trigger-kept totals going wrong is caught too.
        try q.write { db in try db.execute(sql: "UPDATE held_total SET pages = pages + 1") }
        report = try ledger.check(snapshot: host, processStartTime: alive, affinity: nil)
        #expect(report.integrity.contains { $0.contains("usage totals for cell 0, page size 2048 KiB") })
    }

    @Test func checkWarnsButPassesWhenTheOwnerIsNotVisible() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        let c = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "other-user", pid: 4242, pidStartTime: 9),
                                 snapshot: host, confirm: true, actor: LedgerFixture.actor)
        let hidepid: Tracker.ProcessStartTime = { _ in .unknown(why: "/proc/4242/stat: Permission denied") }
        // Affinity would be drift if it were checked; an unseen owner is not checked.
        let report = try ledger.check(snapshot: host, processStartTime: hidepid, affinity: { _ in [0, 1, 2, 3] })
        #expect(report.stuck.isEmpty)
        #expect(report.drift.isEmpty)
        #expect(report.isHealthy)
        #expect(report.warnings == ["claim \(c.id): owner pid 4242 not visible to this user (/proc/4242/stat: Permission denied)"])
    }
}

@Suite struct LedgerStateTests {
    @Test func stateAppliesLiveClaimsAndReleaseStuckHonoursOnly() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a", pid: 10, pidStartTime: 1),
                                 snapshot: host, actor: LedgerFixture.actor)
        let b = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b", pid: 11, pidStartTime: 1),
                                 snapshot: host, actor: LedgerFixture.actor)
        let nobody: Tracker.ProcessStartTime = { _ in .gone }
        let state = try ledger.state(snapshot: host, processStartTime: nobody)
        #expect(state.effective.cells[0].pinnedCPUs == a.usage.pinnedCPUs.union(b.usage.pinnedCPUs))
        #expect(Set(state.stuck.keys) == [a.id, b.id])
        let done = try ledger.releaseStuck(snapshot: host, processStartTime: nobody, dryRun: false, only: [b.id],
                                           actor: LedgerFixture.actor)
        #expect(done.map(\.claim.id) == [b.id])
        #expect(try ledger.claims(states: [.claimed]).map(\.id) == [a.id])
    }
}
