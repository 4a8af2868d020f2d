import Foundation
import Testing
@testable import Ledger
import TrackerCore

/// A ledger file that lost its contents must not become a new, empty ledger:
/// every claim would be forgotten and their CPUs promised again. Only a path
/// where nothing exists is created.
@Suite struct LedgerEmptyFileTests {
    static func size(_ path: String) -> Int64? {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : nil
    }

    @Test func emptyFileIsRefusedAndLeftUntouched() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        #expect(FileManager.default.createFile(atPath: f.path, contents: Data(), attributes: [.posixPermissions: 0o600]))
        do {
            _ = try Ledger.open(path: f.path)
            Issue.record("an empty ledger file must be refused")
        } catch {
            #expect(error.description.contains("is damaged or not a restrack ledger (the file is empty (0 bytes))"),
                    "\(error)")
            #expect(error.description.contains("left untouched"))
        }
        #expect(Self.size(f.path) == 0)
        for suffix in ["-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: f.path + suffix), "\(suffix) was created")
        }
    }

    /// The race: this open finds no file and waits for the setup lock (held
    /// here, as by another restrack setting up); meanwhile someone else puts
    /// an empty file at the path. The open must judge that file as found,
    /// not set it up as the ledger it meant to create.
    @Test func emptyFileMadeByOthersWhileCreatingIsNotTakenOver() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let holder = open(f.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        #expect(holder >= 0 && flock(holder, LOCK_EX) == 0)
        let result = Box()
        let done = DispatchSemaphore(value: 0)
        let path = f.path
        Thread.detachNewThread {
            do {
                _ = try Ledger.open(path: path, options: LedgerOptions(busyTimeoutSeconds: 20))
                result.set("opened")
            } catch {
                result.set("\(error)")
            }
            done.signal()
        }
        usleep(300_000)   // the open is waiting for the lock (or has not looked yet: the same answer either way)
        let planted = Glibc.open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(planted >= 0)
        close(planted)
        flock(holder, LOCK_UN)
        close(holder)
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(result.get().contains("the file is empty"), "\(result.get())")
        #expect(Self.size(path) == 0)
    }

    /// A creator killed half-way leaves only its private set-up file, never
    /// a half-made ledger at the path; the next creator removes it.
    @Test func setUpFileOfAKilledCreatorIsSweptAndTheLedgerMade() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let leftover = f.dir + "/.ledger.sqlite.new-999999"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data("half".utf8)))
        let ledger = try Ledger.open(path: f.path)
        _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: LedgerFixture.host(),
                             actor: LedgerFixture.actor)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        let names = try FileManager.default.contentsOfDirectory(atPath: f.dir)
        #expect(!names.contains { $0.hasPrefix(".ledger.sqlite.new-") }, "\(names)")
        #expect(try Ledger.open(path: f.path).claims().count == 1)
    }
}

/// A result handed back from a detached thread under a lock.
private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func set(_ v: String) { lock.withLock { value = v } }
    func get() -> String { lock.withLock { value } }
}
