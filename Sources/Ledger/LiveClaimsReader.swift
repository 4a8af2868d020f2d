import Foundation
import GRDB
import TrackerCore

/// Live claims for a poller (the dashboard), re-read only when some
/// connection committed since the last read. It keeps its own read-only
/// connection and asks SQLite's `PRAGMA data_version`, which changes
/// exactly when another connection (this process's writer included)
/// commits: an idle poll costs that one pragma, not a query and a JSON
/// decode per claim, and no commit is missed however close together.
public final class LiveClaimsReader: @unchecked Sendable {
    private let queue: DatabaseQueue
    private let path: String
    private let timeout: Double
    /// Guards `version` and `claims` (the poller may run off the input thread).
    private let lock = NSLock()
    private var version: Int?
    private var claims: [Claim] = []

    init(path: String, options: LedgerOptions) throws(LedgerError) {
        self.path = path
        timeout = options.busyTimeoutSeconds
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(options.busyTimeoutSeconds)
        config.label = "restrack.ledger.reader"
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds)
        }
    }

    /// Live claims, oldest first; `changed` is false when nothing was
    /// committed since the last call (and `claims` are the same as then).
    public func read() throws(LedgerError) -> (claims: [Claim], changed: Bool) {
        lock.lock()
        defer { lock.unlock() }
        do {
            // The version is taken before the claims: a commit between the
            // two shows up as a change on the next call, never as a miss.
            let now = try queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA data_version") }
            if let version, version == now { return (claims, false) }
            claims = try queue.read { db in try ClaimRecord.fetchAll(states: [.claimed, .confirmed], db) }
            version = now
            return (claims, true)
        } catch {
            // A damaged row is reported without the path it came from.
            if case .corrupt(let p, let detail)? = error as? LedgerError, p.isEmpty {
                throw LedgerError.corrupt(path: path, detail: detail)
            }
            throw LedgerError(error, path: path, timeout: timeout)
        }
    }
}
