import Foundation
import Testing
@testable import Ledger

@Suite struct LedgerSetupLockTests {
    /// Another restrack stopped while creating the ledger holds the
    /// directory lock. Before, `flock(LOCK_EX)` waited forever; now the open
    /// gives up after the busy timeout with the usual "ledger busy".
    @Test func firstTimeSetupLockWaitIsBounded() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let holder = open(f.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        #expect(holder >= 0)
        #expect(flock(holder, LOCK_EX) == 0)
        // The open runs on its own thread so a regression fails here instead of hanging the suite.
        let outcome = OpenOutcome()
        let done = DispatchSemaphore(value: 0)
        let path = f.path
        let started = Date()
        Thread.detachNewThread {
            do {
                _ = try Ledger.open(path: path, options: LedgerOptions(busyTimeoutSeconds: 0.3))
                outcome.set("opened")
            } catch {
                outcome.set("\(error)")
            }
            done.signal()
        }
        let finished = done.wait(timeout: .now() + 10) == .success
        let waited = Date().timeIntervalSince(started)
        flock(holder, LOCK_UN)
        close(holder)
        if !finished { _ = done.wait(timeout: .now() + 10) }
        #expect(finished, "Ledger.open still waiting for the setup lock after 10 s")
        #expect(waited >= 0.3)
        #expect(outcome.get().hasPrefix("ledger busy: another restrack process held \(path) for more than"))
        // With the lock free, the same file is set up normally.
        let ledger = try Ledger.open(path: path, options: LedgerOptions(busyTimeoutSeconds: 0.3))
        #expect(try ledger.claims().isEmpty)
    }
}

/// The detached thread's answer, handed back under a lock.
private final class OpenOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    func set(_ v: String) { lock.withLock { value = v } }
    func get() -> String { lock.withLock { value } }
}
