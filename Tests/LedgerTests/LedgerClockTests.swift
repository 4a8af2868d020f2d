import Foundation
import GRDB
import Testing
@testable import Ledger
import TrackerCore

/// Claims and audit rows are stamped with a time read once the write lock is
/// held: a time read before waiting for the lock can be older than the row
/// committed before it, and time order would then contradict the ledger's
/// sequence (holdings that overlap when sorted by time).
@Suite struct LedgerClockTests {
    /// Another connection to the same file, asking whether anyone holds the
    /// write lock right now (BEGIN IMMEDIATE fails at once if so).
    final class LockProbe: @unchecked Sendable {
        private let queue: DatabaseQueue
        private let lock = NSLock()
        private var answers: [Bool] = []

        init(_ path: String) throws {
            var config = Configuration()
            config.busyMode = .immediateError
            queue = try DatabaseQueue(path: path, configuration: config)
        }

        /// Records whether the write lock is held, and returns a distinct time.
        func readClock() -> Double {
            var held = false
            do {
                try queue.inDatabase { db in
                    try db.execute(sql: "BEGIN IMMEDIATE")
                    try db.execute(sql: "ROLLBACK")
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                held = true
            } catch {}
            return lock.withLock {
                answers.append(held)
                return 1_000 + Double(answers.count)
            }
        }

        var held: [Bool] { lock.withLock { answers } }
    }

    @Test func everyWriteReadsTheClockWithTheWriteLockHeld() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        var ledger = try Ledger.open(path: f.path)
        let probe = try LockProbe(f.path)
        ledger.clock = { probe.readClock() }
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor)
        _ = try ledger.confirm(a.id, actor: LedgerFixture.actor)
        _ = try ledger.release(a.id, reason: "done", actor: LedgerFixture.actor)
        let b = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor)
        _ = try ledger.abort(b.id, actor: LedgerFixture.actor)
        // A refused attempt is stamped the same way.
        #expect(throws: LedgerError.self) { try ledger.release(b.id, actor: LedgerFixture.actor) }

        #expect(probe.held == Array(repeating: true, count: 6), "clock read without the write lock: \(probe.held)")
        #expect(a.createdAt == 1_001 && b.createdAt == 1_004)
        let audit = try ledger.audit()
        #expect(audit.map(\.action) == ["claim", "confirm", "release", "claim", "abort", "release"])
        #expect(audit.map(\.at) == [1_001, 1_002, 1_003, 1_004, 1_005, 1_006])
        let ended = try ledger.claim(id: a.id)
        #expect(ended.confirmedAt == 1_002 && ended.endedAt == 1_003)
    }

    /// `release --stuck` and the dashboard's `R` stamp the release (and
    /// judge stuck) with the clock read under the write lock, like the other
    /// writes: a time read before waiting for the lock could precede rows
    /// committed while it waited.
    @Test func releaseStuckReadsTheClockWithTheWriteLockHeld() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        var ledger = try Ledger.open(path: f.path)
        // Unconfirmed with a 60 s TTL, claimed at 100: stuck at any time after 160.
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 ttlSeconds: 60, actor: LedgerFixture.actor, now: 100)
        let probe = try LockProbe(f.path)
        ledger.clock = { probe.readClock() }
        let done = try ledger.releaseStuck(snapshot: LedgerFixture.host(), processStartTime: nil, dryRun: false,
                                           actor: LedgerFixture.actor)
        #expect(done.map(\.claim.id) == [a.id])
        #expect(probe.held == [true], "clock read without the write lock: \(probe.held)")
        let audit = try ledger.audit()
        #expect(audit.map(\.action) == ["claim", "release-stuck"])
        #expect(audit.map(\.at) == [100, 1_001])
        #expect(try ledger.claim(id: a.id).endedAt == 1_001)
    }

    /// A time the caller gives (a test's fixed clock, a replay) is used as is.
    @Test func anExplicitTimeIsKept() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                 actor: LedgerFixture.actor, now: 42)
        #expect(a.createdAt == 42)
        #expect(try ledger.audit().map(\.at) == [42])
    }
}
