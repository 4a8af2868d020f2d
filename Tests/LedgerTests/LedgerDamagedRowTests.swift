import Foundation
import GRDB
import Testing
@testable import Ledger
import TrackerCore

/// A claim row someone edited by hand (or a disk mangled) passes SQLite's
/// integrity check but holds values no restrack wrote: a clear `corrupt`
/// error naming the claim and column, never a trap.
@Suite struct LedgerDamagedRowTests {
    static func damaged(_ sql: String) throws -> (LedgerFixture, Ledger, String) {
        let f = LedgerFixture()
        let ledger = try Ledger.open(path: f.path)
        let c = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor)
        let q = try DatabaseQueue(path: f.path)
        try q.write { try $0.execute(sql: sql, arguments: [c.id]) }
        return (f, ledger, c.id)
    }

    @Test(arguments: [
        ("UPDATE claim SET created_at = 'yesterday' WHERE id = ?", "column created_at"),
        ("UPDATE claim SET created_at = -1e300 WHERE id = ?", "column created_at holds"),
        ("UPDATE claim SET confirmed_at = 'soon' WHERE id = ?", "column confirmed_at"),
        ("UPDATE claim SET consumer_pid = 'qemu' WHERE id = ?", "column consumer_pid"),
        ("UPDATE claim SET ttl_seconds = 'ten' WHERE id = ?", "column ttl_seconds"),
    ])
    func badColumnIsCorruptNotATrap(sql: String, expected: String) throws {
        let (f, ledger, id) = try Self.damaged(sql)
        defer { f.cleanup() }
        do {
            let live = try ledger.claims(states: [.claimed, .confirmed])
            // Before the fix -1e300 got this far and trapped in Int(now - createdAt).
            _ = Tracker.state(snapshot: LedgerFixture.host(), claims: live, now: 2e9, processStartTime: nil)
            Issue.record("a damaged row must be refused")
        } catch {
            #expect(error.description.contains("claim \(id) \(expected)"), "\(error)")
            #expect(error.description.contains("damaged"))
        }
    }
}
