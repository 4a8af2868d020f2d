/// The part of a derived state that depends only on the snapshot and the
/// claims: every live claim applied to the host (effective host, owners,
/// double promises, shrunk pools). A poller keeps it while neither input
/// changes and derives each new state from it and fresh observations, so an
/// idle poll does not re-apply every claim to a 2,048-device host, and the
/// judgement still runs in one place for everyone.
public struct AppliedClaims: Hashable, Sendable {
    /// The host as probed; nil when it could not be (only owners and TTLs
    /// are judged then).
    public let snapshot: HostSnapshot?
    /// Live claims, oldest first.
    public let claims: [Claim]
    /// `snapshot`, or an empty host when there is none.
    let host: HostSnapshot
    let applied: Tracker.Applied

    /// `claims` may include ended ones; only live claims are applied.
    public init(snapshot: HostSnapshot?, claims: [Claim]) {
        self.snapshot = snapshot
        let live = claims.filter { $0.state.isLive }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        self.claims = live
        // With no snapshot the claims go onto an empty host: owners and
        // double promises are still found; nothing counts as gone.
        host = snapshot ?? HostSnapshot(hostname: "unknown", cells: [])
        applied = Tracker.apply(live.map(Tracker.Holding.init(claim:)), to: host)
    }

    /// Whether these were built from exactly `snapshot` and `claims` (live
    /// ones, in any order).
    public func matches(snapshot: HostSnapshot?, claims: [Claim]) -> Bool {
        guard self.snapshot == snapshot else { return false }
        let live = claims.filter { $0.state.isLive }
        return live.count == self.claims.count && Set(live) == Set(self.claims)
    }
}
