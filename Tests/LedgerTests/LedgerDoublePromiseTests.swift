import Foundation
import GRDB
import Testing
@testable import Ledger
import TrackerCore

/// The ledger's unique keys on held CPUs and devices are the last guard: a
/// fitter that offers what is already held (a bug, or a snapshot that lies)
/// gets a `doublePromise` error and nothing is committed.
@Suite struct LedgerDoublePromiseTests {
    static func rows(_ path: String) throws -> [String: Int] {
        let q = try DatabaseQueue(path: path)
        defer { try? q.close() }
        return try q.read { db in
            var n: [String: Int] = [:]
            for t in ["claim", "audit", "held_cpu", "held_pci", "held_cell", "held_total"] {
                n[t] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? -1
            }
            n["held_check"] = try Int.fetchOne(db, sql: "SELECT cpus FROM held_check") ?? -1
            return n
        }
    }

    @Test(arguments: ["cpu", "vf"])
    func fitterOfferingHeldResourcesIsRefusedByTheUniqueKeys(what: String) throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        var ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        let request = what == "cpu" ? LedgerFixture.pinned(2) : Request(vcpus: 1, memoryMB: 256, pciRequests: [PCIRequestSpec(alias: "vf")])
        let first = try ledger.claim(request, consumer: Consumer(name: "first"), snapshot: host, actor: LedgerFixture.actor)
        let before = try Self.rows(f.path)
        // The fitter is bypassed: it answers with the first claim's decision,
        // whatever the ledger holds.
        let offered = first.decision
        ledger.fitter = { _, _ in offered }
        do {
            let second = try ledger.claim(request, consumer: Consumer(name: "second"), snapshot: host, actor: LedgerFixture.actor)
            Issue.record("claim \(second.id) promised \(what) \(second.usage) a second time")
        } catch {
            guard case .doublePromise(let detail) = error else {
                Issue.record("expected doublePromise, got \(error)")
                return
            }
            #expect(detail.contains(what == "cpu" ? "held_cpu" : "held_pci"), "\(detail)")
            #expect(error.description.hasSuffix("nothing was recorded"))
        }
        #expect(try Self.rows(f.path) == before)
        let report = try ledger.check(snapshot: host, processStartTime: nil, affinity: nil)
        #expect(report.integrity.isEmpty && report.conflicts.isEmpty, "\(report.integrity) \(report.conflicts)")
        #expect(try ledger.claims().map(\.id) == [first.id])
    }
}
