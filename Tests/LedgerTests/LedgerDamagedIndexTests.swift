import Foundation
import GRDB
import Testing
@testable import Ledger
import TrackerCore

/// Damaged audit and index rows: as for claim rows, a `corrupt` error
/// naming the row and column instead of a trap in GRDB's conversions.
@Suite struct LedgerDamagedIndexTests {
    static func ledger(_ sql: String) throws -> (LedgerFixture, Ledger) {
        let f = LedgerFixture()
        let ledger = try Ledger.open(path: f.path)
        _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                             actor: LedgerFixture.actor)
        try DatabaseQueue(path: f.path).write { try $0.execute(sql: sql) }
        return (f, ledger)
    }

    @Test func damagedAuditRow() throws {
        let (f, ledger) = try Self.ledger("UPDATE audit SET uid = 'root'")
        defer { f.cleanup() }
        #expect { try ledger.audit() } throws: { error in
            "\(error)".contains("audit row 1 column uid holds \"root\"") && "\(error)".contains("damaged")
        }
    }

    @Test func damagedUsageTotalsDuringAClaim() throws {
        let (f, ledger) = try Self.ledger("UPDATE held_total SET memory_mb = 'lots'")
        defer { f.cleanup() }
        #expect {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: LedgerFixture.host(),
                             actor: LedgerFixture.actor)
        } throws: { error in
            "\(error)".contains("held_total row column m holds \"lots\"")
        }
        // check reports it too, as an index mismatch, without trapping.
        let report = try ledger.check(snapshot: LedgerFixture.host(), processStartTime: nil, affinity: nil)
        #expect(!report.integrity.isEmpty)
    }
}
