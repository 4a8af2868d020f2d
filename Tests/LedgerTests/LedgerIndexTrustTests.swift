import Foundation
import GRDB
import Testing
@testable import Ledger
import TrackerCore

/// A claim fits against the `held_*` index, not the claims themselves (that
/// keeps it fast), so it must not promise from an index that no longer says
/// what the claims hold: a file can pass `quick_check` with index rows
/// deleted or edited. Such a claim is refused, nothing is written, and
/// `check` names the damage.
@Suite struct LedgerIndexTrustTests {
    static let host = LedgerFixture.host()

    /// A ledger with one claim of 2 pinned CPUs and one of a VF, then `sql`
    /// run on the file behind restrack's back.
    static func damaged(_ sql: String) throws -> (LedgerFixture, Ledger, first: Claim) {
        let f = LedgerFixture()
        let ledger = try Ledger.open(path: f.path)
        let first = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "a"), snapshot: host,
                                     actor: LedgerFixture.actor)
        _ = try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "vf")]), consumer: Consumer(name: "v"),
                             snapshot: host, actor: LedgerFixture.actor)
        let q = try DatabaseQueue(path: f.path)
        try q.write { try $0.execute(sql: sql) }
        try q.close()
        return (f, ledger, first)
    }

    /// The claim is refused as damage, and nothing reached the ledger.
    static func expectRefused(_ ledger: Ledger, _ request: Request = LedgerFixture.pinned(2),
                              saying words: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let auditBefore = try ledger.audit().count
        do {
            let c = try ledger.claim(request, consumer: Consumer(name: "again"), snapshot: host, actor: LedgerFixture.actor)
            Issue.record("claim \(c.id) was made on CPUs \(c.usage.pinnedCPUs.cpulist) from a damaged index",
                         sourceLocation: sourceLocation)
        } catch {
            #expect(error.description.contains("is damaged: "), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains(words), "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("run restrack check"), sourceLocation: sourceLocation)
        }
        #expect(try ledger.claims().count == 2, sourceLocation: sourceLocation)
        #expect(try ledger.audit().count == auditBefore, sourceLocation: sourceLocation)
    }

    @Test func deletedCPURowsRefuseTheClaimThatWouldPinThemAgain() throws {
        let (f, ledger, first) = try Self.damaged("DELETE FROM held_cpu")
        defer { f.cleanup() }
        #expect(first.usage.pinnedCPUs.count == 2)
        try Self.expectRefused(ledger, saying: "its index lists 0 held CPUs, its claims hold 3")
        let report = try ledger.check(snapshot: Self.host, processStartTime: nil, affinity: nil)
        #expect(report.integrity.contains { $0.contains("CPU \(first.usage.pinnedCPUs.min ?? -1) of claim \(first.id) is held by nobody") })
    }

    @Test(arguments: [65_536, 10_000_000])
    func cpuIdNoHostHasIsDamageNotASize(cpu: Int) throws {
        let (f, ledger, first) = try Self.damaged("")
        defer { f.cleanup() }
        let q = try DatabaseQueue(path: f.path)
        try q.write { try $0.execute(sql: "INSERT INTO held_cpu (cpu, cell, claim_id) VALUES (?, 0, ?)", arguments: [cpu, first.id]) }
        try q.close()
        try Self.expectRefused(ledger, saying: "its index holds CPU \(cpu), outside the CPU ids 0-65535")
    }

    @Test func movedCPURowRefused() throws {
        // Same count, other CPU: the one the first claim really holds would be free again.
        let (f, ledger, first) = try Self.damaged("")
        defer { f.cleanup() }
        let held = first.usage.pinnedCPUs.min ?? -1
        let free = (2...5).first { cpu in (try? ledger.claims().allSatisfy { !$0.usage.pinnedCPUs.contains(cpu) }) ?? false } ?? -1
        let q = try DatabaseQueue(path: f.path)
        try q.write { try $0.execute(sql: "UPDATE held_cpu SET cpu = ? WHERE cpu = ?", arguments: [free, held]) }
        try q.close()
        try Self.expectRefused(ledger, LedgerFixture.pinned(1), saying: "the held CPUs in its index are not the ones its claims hold")
    }

    @Test func editedUsageTotalsRefused() throws {
        let (f, ledger, _) = try Self.damaged("UPDATE held_total SET memory_mb = 0, pages = 0")
        defer { f.cleanup() }
        try Self.expectRefused(ledger, saying: "the vCPU, memory and page totals in its index are not what its claims hold")
    }

    @Test func deletedDeviceRowRefused() throws {
        let (f, ledger, _) = try Self.damaged("DELETE FROM held_pci")
        defer { f.cleanup() }
        try Self.expectRefused(ledger, LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "vf")]),
                               saying: "its index lists 0 held devices, its claims hold 1")
    }

    @Test func deletedFingerprintRefusedAndCheckSaysWhy() throws {
        let (f, ledger, _) = try Self.damaged("DELETE FROM held_check")
        defer { f.cleanup() }
        try Self.expectRefused(ledger, saying: "its claims hold 0")
        let report = try ledger.check(snapshot: Self.host, processStartTime: nil, affinity: nil)
        #expect(report.integrity == ["index: the held_check fingerprint does not match the live claims (claims are refused until it does)"])
    }

    /// No false alarm: every way a claim ends keeps the fingerprint equal
    /// to the index, and claims go on being made.
    @Test func confirmReleaseAbortAndStuckReleaseKeepTheIndexTrusted() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let a = try ledger.claim(LedgerFixture.pinned(1, pages: .kib(2048)), consumer: Consumer(name: "a"), snapshot: Self.host,
                                 actor: LedgerFixture.actor)
        let b = try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "vf")]), consumer: Consumer(name: "b"),
                                 snapshot: Self.host, actor: LedgerFixture.actor)
        let c = try ledger.claim(Request(vcpus: 1, memoryMB: 256), consumer: Consumer(name: "c"), snapshot: Self.host,
                                 ttlSeconds: 1, actor: LedgerFixture.actor, now: 1)
        _ = try ledger.confirm(a.id, actor: LedgerFixture.actor)
        _ = try ledger.release(a.id, actor: LedgerFixture.actor)
        _ = try ledger.abort(b.id, actor: LedgerFixture.actor)
        let stuck = try ledger.releaseStuck(snapshot: Self.host, processStartTime: nil, dryRun: false, actor: LedgerFixture.actor)
        #expect(stuck.map(\.claim.id) == [c.id])
        for i in 0..<4 {
            _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "n\(i)"), snapshot: Self.host,
                                 actor: LedgerFixture.actor)
        }
        let report = try ledger.check(snapshot: Self.host, processStartTime: nil, affinity: nil)
        #expect(report.integrity.isEmpty, "\(report.integrity)")
        #expect(report.liveClaims == 4)
    }

    /// A ledger from schema version 1 gets its fingerprint from its claims
    /// when it is upgraded, so its claims are trusted and new ones made.
    @Test func versionOneLedgerIsUpgradedWithItsFingerprint() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        var ledger = try Ledger.open(path: f.path)
        let a = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "a"), snapshot: Self.host,
                                 actor: LedgerFixture.actor)
        // As a version-1 file is: neither v2's table nor v3's.
        try LedgerFixture.rollBack(f.path, toVersion: 1,
                                   droppingTables: ["held_check", "placement_sync", "placement_consumer"],
                                   migrations: ["v2-held-check", "v3-placement"])
        ledger = try Ledger.open(path: f.path)
        let b = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "b"), snapshot: Self.host,
                                 actor: LedgerFixture.actor)
        #expect(a.usage.pinnedCPUs.intersection(b.usage.pinnedCPUs).isEmpty)
        let report = try ledger.check(snapshot: Self.host, processStartTime: nil, affinity: nil)
        #expect(report.integrity.isEmpty, "\(report.integrity)")
        let version = try DatabaseQueue(path: f.path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == LedgerSchema.version)
    }
}
