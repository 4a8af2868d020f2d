/// Why a live claim is stuck, derived at read time; `description` is the
/// sentence shown to operators and `code` the stable word scripts match on.
public enum StuckReason: Hashable, Sendable, CustomStringConvertible {
    /// The owner process is gone.
    case ownerExited(pid: Int32)
    /// The pid is alive but belongs to another process (start time differs).
    case ownerPidReused(pid: Int32)
    /// Still `claimed` after its TTL.
    case unconfirmedPastTTL(ageSeconds: Int, ttlSeconds: Int)
    /// The claim names a CPU, page pool, cell or device the host no longer has.
    case resourceGone(String)
    /// The page pool still exists but has fewer pages than the live claims
    /// on it hold; the newest claims that no longer fit are flagged.
    case poolShrunk(cell: Int, sizeKB: Int, missingPages: Int)

    public var description: String {
        switch self {
        case .ownerExited(let pid): return "owner pid \(pid) exited"
        case .ownerPidReused(let pid): return "owner pid \(pid) now belongs to another process"
        case .unconfirmedPastTTL(let age, let ttl): return "unconfirmed for \(age)s, past its TTL of \(ttl)s"
        case .resourceGone(let what): return "no longer on the host: \(what)"
        case .poolShrunk(let cell, let size, let missing):
            return "the \(PageSizeText.short(kb: size)) page pool on cell \(cell) shrank: \(missing) of this claim's pages are not there"
        }
    }

    public var code: String {
        switch self {
        case .ownerExited: return "owner-exited"
        case .ownerPidReused: return "owner-pid-reused"
        case .unconfirmedPastTTL: return "unconfirmed-past-ttl"
        case .resourceGone: return "resource-gone"
        case .poolShrunk: return "pool-shrunk"
        }
    }
}
