import Foundation
import GRDB
@testable import Ledger
import Testing
import TrackerCore

/// Schema v3 (Placement sync state and consumer UUIDs) and its upgrade from v2.
@Suite struct LedgerPlacementTests {
    static let host = LedgerFixture.host()

    /// A version-2 ledger with a claim is upgraded in place: its claims stay,
    /// the placement tables appear empty, and a sync record round-trips.
    @Test func versionTwoLedgerIsUpgradedToThree() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        var ledger = try Ledger.open(path: f.path)
        let a = try ledger.claim(LedgerFixture.pinned(2), consumer: Consumer(name: "a"), snapshot: Self.host,
                                 actor: LedgerFixture.actor)
        try LedgerFixture.rollBack(f.path, toVersion: 2, droppingTables: ["placement_sync", "placement_consumer"],
                                   migrations: ["v3-placement"])
        ledger = try Ledger.open(path: f.path)
        #expect(try ledger.claims().map(\.id) == [a.id])
        #expect(try ledger.placementRecord(name: "sim") == nil)
        #expect(try ledger.placementConsumers(rootUUID: "r-1").isEmpty)
        try ledger.recordPlacementSync(PlacementRecord(name: "sim", rootUUID: "r-1", state: "{}", syncedAt: 0),
                                       consumers: [a.id: "c-1"], changes: ["created provider sim"], actor: LedgerFixture.actor,
                                       now: 42)
        #expect(try ledger.placementRecord(name: "sim") == PlacementRecord(name: "sim", rootUUID: "r-1", state: "{}", syncedAt: 42))
        #expect(try ledger.placementConsumers(rootUUID: "r-1") == [a.id: "c-1"])
        #expect(try ledger.placementConsumers(rootUUID: "r-2").isEmpty)
        #expect(try ledger.audit().last?.action == "placement")
        let version = try DatabaseQueue(path: f.path).read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == 3)
        #expect(LedgerSchema.version == 3)
    }

    /// A failed sync records its changes but keeps the last good record.
    @Test func failedSyncKeepsThePreviousRecord() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let good = PlacementRecord(name: "sim", rootUUID: "r-1", state: "{\"a\":1}", syncedAt: 7)
        try ledger.recordPlacementSync(good, consumers: [:], changes: [], actor: LedgerFixture.actor, now: 7)
        try ledger.recordPlacementSync(nil, consumers: [:], changes: ["created provider sim_NUMA0"], outcome: "partial",
                                       actor: LedgerFixture.actor, now: 8)
        #expect(try ledger.placementRecord(name: "sim") == good)
        #expect(try ledger.audit().map(\.outcome) == ["partial"])
    }
}
