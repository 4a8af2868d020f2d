import TrackerCore

/// Why a ledger operation did not happen. `description` is the one sentence
/// an operator reads. Every case is a refusal (the CLI's exit 1): what the
/// caller typed was readable, and the ledger said no, an unknown claim id
/// included. Unreadable input (exit 2) is caught before the ledger is asked.
public enum LedgerError: Error, Sendable, CustomStringConvertible {
    /// Another process held the write lock for longer than the busy timeout.
    case busy(path: String, seconds: Double)
    /// The request does not fit the host as the ledger has it.
    case noFit(reason: String)
    case unknownClaim(id: String)
    case transition(ClaimTransitionError)
    /// The file is not a readable SQLite database (or not a restrack ledger);
    /// it was not modified.
    case corrupt(path: String, detail: String)
    /// The ledger was written by a newer restrack; it was not modified.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The ledger or its directory could be changed by another user.
    case unsafe(path: String, detail: String)
    /// The file system refused: cannot create, read-only, full disk.
    case io(path: String, detail: String)
    /// The fitter offered a resource the index shows already held; nothing
    /// was recorded (the index's unique keys caught it).
    case doublePromise(detail: String)
    /// What the ledger's index says is held disagrees with its claims, so
    /// no claim is promised from it; nothing was changed.
    case damagedIndex(path: String, detail: String)
    case database(detail: String)

    public var description: String {
        switch self {
        case .busy(let path, let s):
            return "ledger busy: another restrack process held \(path) for more than \(Self.seconds(s)); nothing was changed, try again"
        case .noFit(let reason): return "does not fit: \(reason)"
        case .unknownClaim(let id): return "no claim with id '\(id)' in the ledger"
        case .transition(let e): return e.description
        case .corrupt(let path, let detail):
            return "ledger \(path) is damaged or not a restrack ledger (\(detail)); it was left untouched: move it aside or restore a backup"
        case .newerSchema(let path, let found, let supported):
            return "ledger \(path) has schema version \(found), newer than this restrack supports (\(supported)); it was left untouched: use a newer restrack"
        case .unsafe(let path, let detail):
            return "refusing ledger \(path): \(detail)"
        case .io(let path, let detail): return "ledger \(path): \(detail)"
        case .doublePromise(let detail): return "refused to record a double promise (\(detail)); nothing was recorded"
        case .damagedIndex(let path, let detail):
            return "ledger \(path) is damaged: \(detail); nothing was changed and no claim is made until it is repaired: run restrack check to see what differs"
        case .database(let detail): return "ledger error: \(detail)"
        }
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
