/// A poller's last derivation, handed out again while nothing it depends on
/// changed: the same applied claims, the same observations but for the
/// clock and the load, and no unconfirmed claim crossing its TTL between
/// the two clocks (the only thing the clock decides). The state handed out
/// then is the last one with the new load: every other field is the same
/// value, sharing its storage, so a caller comparing it with the last state
/// finds them equal without walking a thousand holders.
///
/// Comparing the inputs costs a walk of the observed holders and findings;
/// deriving walks them several times and folds, judges and indexes them,
/// so an idle poll is cheaper either way.
public struct DerivationMemo: Sendable {
    private var base: AppliedClaims?
    /// The observations of the last derivation with `now` and `utilisation`
    /// cleared: what the next poll's, cleared the same way, must equal.
    private var seen: Observations?
    private var now: Double = 0
    private var state: HostState?
    /// How many times a state was derived rather than reused.
    public private(set) var derivations = 0

    public init() {}

    /// The state `ClaimStateDerivation.derive(base, observations:)` returns,
    /// reused from the last call when that is the same.
    public mutating func derive(_ base: AppliedClaims, observations: Observations) -> HostState {
        var key = observations
        key.now = 0
        key.utilisation = nil
        if var last = state, let seen, let kept = self.base,
           Self.sameTTLVerdicts(base.claims, now, observations.now), kept == base, seen == key {
            last.utilisation = observations.utilisation
            state = last
            now = observations.now
            // Kept as the newest equal key: an observer that hands out the
            // same arrays poll after poll (a kept scan) is then compared by
            // storage at the next poll, not element by element.
            self.seen = key
            return last
        }
        let derived = ClaimStateDerivation.derive(base, observations: observations)
        derivations += 1
        self.base = base
        seen = key
        now = observations.now
        state = derived
        return derived
    }

    /// Whether no claimed (unconfirmed) claim is past its TTL at either
    /// clock: then the derivation says the same at both. One past it at both
    /// still differs, by the age its stuck reason gives.
    static func sameTTLVerdicts(_ claims: [Claim], _ a: Double, _ b: Double) -> Bool {
        for claim in claims where claim.state == .claimed {
            let ttl = Double(claim.ttlSeconds)
            if a - claim.createdAt > ttl || b - claim.createdAt > ttl { return false }
        }
        return true
    }
}
