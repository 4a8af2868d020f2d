/// Why a live claim is stuck, derived at read time; `description` is the
/// sentence shown to operators.
public enum StuckReason: Hashable, Sendable, CustomStringConvertible {
    /// The owner process is gone.
    case ownerExited(pid: Int32)
    /// The pid is alive but belongs to another process (start time differs).
    case ownerPidReused(pid: Int32)
    /// Still `claimed` after its TTL.
    case unconfirmedPastTTL(ageSeconds: Int, ttlSeconds: Int)
    /// The claim names a CPU, page pool, cell or device the host no longer has.
    case resourceGone(String)

    public var description: String {
        switch self {
        case .ownerExited(let pid): return "owner pid \(pid) exited"
        case .ownerPidReused(let pid): return "owner pid \(pid) now belongs to another process"
        case .unconfirmedPastTTL(let age, let ttl): return "unconfirmed for \(age)s, past its TTL of \(ttl)s"
        case .resourceGone(let what): return "\(what) is no longer on the host"
        }
    }
}
