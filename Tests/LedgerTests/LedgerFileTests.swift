import Foundation
import GRDB
import TestSupport
import Testing
@testable import Ledger
import TrackerCore

@Suite struct LedgerFileTests {
    @Test func createdPrivate() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let path = f.dir + "/state/restrack/ledger.sqlite"
        _ = try Ledger.open(path: path)
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(stat(f.dir + "/state/restrack", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
        let q = try DatabaseQueue(path: path)
        #expect(try q.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try q.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == LedgerSchema.version)
    }

    @Test func refusesLedgerOthersCanWrite() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        _ = try Ledger.open(path: f.path)
        chmod(f.path, 0o666)
        #expect(throws: LedgerError.self) { try Ledger.open(path: f.path) }
        chmod(f.path, 0o600)
        // Owned by another user: only root can hand a file to uid 65534 (CI runs as root).
        if TestEnvironment.require(TestEnvironment.isRoot, "root, to chown the ledger to another user") {
            chown(f.path, 65534, 65534)
            do {
                _ = try Ledger.open(path: f.path)
                Issue.record("a ledger owned by uid 65534 must be refused")
            } catch {
                #expect(error.description.contains("uid 65534"))
            }
            chown(f.path, 0, 0)
            // A symlink another user planted, aiming at a file we would trust.
            let link = f.dir + "/planted.sqlite"
            #expect(symlink(f.path, link) == 0)
            #expect(lchown(link, 65534, 65534) == 0)
            do {
                _ = try Ledger.open(path: link)
                Issue.record("a symlink owned by uid 65534 must be refused")
            } catch {
                #expect(error.description.contains("symlink owned by uid 65534"))
            }
        }
    }

    @Test func newerSchemaRefusedUntouched() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        _ = try Ledger.open(path: f.path)
        let q = try DatabaseQueue(path: f.path)
        try q.write { db in try db.execute(sql: "PRAGMA user_version = 99") }
        try q.close()
        let before = LedgerFixture.bytes(f.path)
        do {
            _ = try Ledger.open(path: f.path)
            Issue.record("a newer schema must be refused")
        } catch {
            guard case .newerSchema(_, let found, _) = error else { Issue.record("got \(error)"); return }
            #expect(found == 99)
        }
        #expect(LedgerFixture.bytes(f.path) == before)
    }

    @Test func garbageAndTruncatedFilesRefusedUntouched() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        // Not a database at all.
        let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        #expect(FileManager.default.createFile(atPath: f.path, contents: junk, attributes: [.posixPermissions: 0o600]))
        #expect(throws: LedgerError.self) { try Ledger.open(path: f.path) }
        #expect(LedgerFixture.bytes(f.path) == junk)

        // A real ledger with enough claims to span many pages, cut in half.
        let path2 = f.dir + "/l2.sqlite"
        let ledger = try Ledger.open(path: path2)
        for i in 0..<40 {
            let c = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "vm\(i)"), snapshot: LedgerFixture.host(),
                                     note: String(repeating: "n", count: 150), actor: LedgerFixture.actor)
            _ = try ledger.release(c.id, reason: String(repeating: "r", count: 150), actor: LedgerFixture.actor)
        }
        let q = try DatabaseQueue(path: path2)
        try q.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try q.close()
        let full = LedgerFixture.bytes(path2) ?? Data()
        #expect(full.count > 16384)
        let half = full.prefix(full.count / 2)
        try half.write(to: URL(fileURLWithPath: path2))
        do {
            _ = try Ledger.open(path: path2)
            Issue.record("a truncated ledger must be refused")
        } catch {
            guard case .corrupt = error else { Issue.record("got \(error)"); return }
            #expect(error.description.contains("left untouched"))
        }
        #expect(LedgerFixture.bytes(path2) == half)
    }

    @Test func anotherApplicationsDatabaseRefused() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let q = try DatabaseQueue(path: f.path)
        try q.write { db in try db.execute(sql: "CREATE TABLE songs (title TEXT)") }
        try q.close()
        chmod(f.path, 0o600)
        let before = LedgerFixture.bytes(f.path)
        #expect(throws: LedgerError.self) { try Ledger.open(path: f.path) }
        #expect(LedgerFixture.bytes(f.path) == before)
    }

    @Test func locationFollowsOverridesThenRootThenXDG() {
        #expect(LedgerLocation.resolve(explicit: "/x/l.db", environment: ["RESTRACK_LEDGER": "/y"], effectiveUID: 1000,
                                       home: "/home/u") == "/x/l.db")
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["RESTRACK_LEDGER": "/y/l.db"], effectiveUID: 0,
                                       home: "/root") == "/y/l.db")
        #expect(LedgerLocation.resolve(explicit: nil, environment: [:], effectiveUID: 0, home: "/root")
                == "/var/lib/restrack/ledger.sqlite")
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["XDG_STATE_HOME": "/s"], effectiveUID: 1000, home: "/home/u")
                == "/s/restrack/ledger.sqlite")
        // A relative XDG_STATE_HOME is ignored, as the XDG spec says.
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["XDG_STATE_HOME": "rel"], effectiveUID: 1000, home: "/home/u")
                == "/home/u/.local/state/restrack/ledger.sqlite")
    }

    @Test func simulatedHostsGetTheirOwnLedgerUnlessOneIsNamed() {
        let demo = LedgerLocation.resolve(explicit: nil, environment: [:], effectiveUID: 0, home: "/root",
                                          simulatedHost: "/srv/hosts/e810 host.json")
        #expect(demo.hasPrefix("/var/lib/restrack/simulated/e810_host.json-"))
        #expect(demo.hasSuffix(".sqlite"))
        #expect(demo != "/var/lib/restrack/ledger.sqlite")
        // Two files with one name in different folders are different hosts.
        let other = LedgerLocation.resolve(explicit: nil, environment: [:], effectiveUID: 0, home: "/root",
                                           simulatedHost: "/tmp/e810 host.json")
        #expect(other != demo)
        // The same path always maps to the same ledger, so a demo's claims persist.
        #expect(LedgerLocation.resolve(explicit: nil, environment: [:], effectiveUID: 0, home: "/root",
                                       simulatedHost: "/srv/hosts/e810 host.json") == demo)
        // An explicit ledger or RESTRACK_LEDGER still wins.
        #expect(LedgerLocation.resolve(explicit: "/x/l.db", environment: [:], effectiveUID: 0, home: "/root",
                                       simulatedHost: "/srv/h.json") == "/x/l.db")
        #expect(LedgerLocation.resolve(explicit: nil, environment: ["RESTRACK_LEDGER": "/y/l.db"], effectiveUID: 0,
                                       home: "/root", simulatedHost: "/srv/h.json") == "/y/l.db")
    }
}

@Suite struct LedgerBusyTests {
    @Test func heldWriteLockGivesLedgerBusyWithinTheTimeout() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path, options: LedgerOptions(busyTimeoutSeconds: 0.3))
        // Another connection holds the write lock, as a stopped process would.
        let other = try DatabaseQueue(path: f.path)
        let start = Date()
        try other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            do {
                _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                                     actor: LedgerFixture.actor)
                Issue.record("a claim must not get through a held write lock")
            } catch let error as LedgerError {
                guard case .busy = error else { Issue.record("expected busy, got \(error)"); return }
                #expect(error.description.hasPrefix("ledger busy: "))
            }
            try db.execute(sql: "ROLLBACK")
        }
        let waited = Date().timeIntervalSince(start)
        // The upper bound stays under SQLite's 5 s default, so a busy timeout
        // that fell back to the default still fails, with room for a loaded machine.
        #expect(waited >= 0.3 && waited < 4.5)
        // Once the lock is free the same ledger claims normally, and the busy attempt left nothing behind.
        _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: LedgerFixture.host(),
                             actor: LedgerFixture.actor)
        #expect(try ledger.claims().map(\.consumer.name) == ["b"])
    }
}
