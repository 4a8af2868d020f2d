import TrackerCore

/// What the dashboard needs from the ledger. The CLI's ledger functions sit
/// behind the real implementation, so a change made from the keyboard is the
/// same change (and the same audit-log entry) as one made with the CLI.
public protocol ClaimService {
    /// The host with every live claim applied, with stuck reasons.
    func state() throws -> HostState
    /// The same, read in full where `state` may keep slow-changing parts of
    /// the host between polls: after a write and on resuming.
    func fullState() throws -> HostState
    /// Where `request` would land now; changes nothing.
    func preview(_ request: Request) -> Decision
    func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim
    func confirm(_ id: String) throws
    func release(_ id: String, reason: String) throws
    /// Releases those of `ids` that are still stuck; returns the ones released.
    func releaseStuck(_ ids: [String]) throws -> [String]
}

extension ClaimService {
    public func fullState() throws -> HostState {
        try state()
    }
}
