import Foundation
import GRDB
import Ledger
import Testing
import TrackerCore

/// Change detection inside the ledger: a poller re-reads claims exactly
/// when some connection committed, however close together the commits.
@Suite struct LiveClaimsReaderTests {
    @Test func rereadsExactlyAfterCommitsByAnyConnection() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let reader = try ledger.liveClaimsReader()
        var r = try reader.read()
        #expect(r.changed && r.claims.isEmpty)
        r = try reader.read()
        #expect(!r.changed && r.claims.isEmpty)

        // This process's own ledger writes.
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor)
        r = try reader.read()
        #expect(r.changed && r.claims.map(\.id) == [a.id])
        #expect(try !reader.read().changed)

        // Another process's connection: a confirm and a second claim back to back.
        let other = try Ledger.open(path: f.path)
        _ = try other.confirm(a.id, actor: LedgerFixture.actor)
        r = try reader.read()
        #expect(r.changed && r.claims.map(\.state) == [.confirmed])
        let b = try other.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: LedgerFixture.host(),
                                actor: LedgerFixture.actor)
        _ = try other.release(a.id, actor: LedgerFixture.actor)
        r = try reader.read()
        #expect(r.changed && r.claims.map(\.id) == [b.id])

        // Any commit at all, even one restrack would never make, is noticed.
        let raw = try DatabaseQueue(path: f.path)
        try raw.write { db in try db.execute(sql: "UPDATE claim SET note = 'edited' WHERE id = ?", arguments: [b.id]) }
        r = try reader.read()
        #expect(r.changed && r.claims.first?.note == "edited")
        #expect(try !reader.read().changed)
    }
}
