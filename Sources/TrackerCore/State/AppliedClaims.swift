/// The part of a derived state that depends only on the snapshot and the
/// claims: every live claim applied to the host (effective host, owners,
/// double promises) and the findings no probe can change (resources gone,
/// shrunk pools, rebound drivers, hugepage drift). A poller keeps it while
/// neither input changes and derives each new state from it and fresh
/// observations, so an idle poll does not re-apply every claim to a
/// 2,048-device host, and the judgement still runs in one place for everyone.
public struct AppliedClaims: Hashable, Sendable {
    /// The host as probed; nil when it could not be (only owners and TTLs
    /// are judged then).
    public let snapshot: HostSnapshot?
    /// Live claims, oldest first.
    public let claims: [Claim]
    /// `snapshot`, or an empty host when there is none.
    let host: HostSnapshot
    let applied: Tracker.Applied
    /// Claim id → resources gone and pages missing from shrunk pools.
    let resourceStuck: [String: [StuckReason]]
    /// Claim id → its held devices bound to another driver.
    let driverDrift: [String: [Drift]]
    /// Pools with fewer free pages than the claims leave.
    let poolDrift: [Drift]
    /// Pages per pool that all live claims, and the confirmed ones, hold:
    /// a confirmed guest may have faulted its pages, so those explain the
    /// kernel's in-use count.
    let claimedPages: [PagePoolKey: Int]
    let confirmedPages: [PagePoolKey: Int]
    /// One `restrack` holder per live claim, in claim order.
    let claimHolders: [Holder]

    /// `claims` may include ended ones; only live claims are applied.
    public init(snapshot: HostSnapshot?, claims: [Claim]) {
        self.snapshot = snapshot
        let live = claims.filter { $0.state.isLive }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        self.claims = live
        // With no snapshot the claims go onto an empty host: owners and
        // double promises are still found; nothing counts as gone.
        host = snapshot ?? HostSnapshot(hostname: "unknown", cells: [])
        applied = Tracker.apply(live.map(Tracker.Holding.init(claim:)), to: host)
        var claimed: [PagePoolKey: Int] = [:]
        var confirmed: [PagePoolKey: Int] = [:]
        for claim in live {
            for cell in claim.usage.cells {
                guard let size = cell.pageSizeKB, cell.pages > 0 else { continue }
                let key = PagePoolKey(node: cell.hostCell, sizeKB: size)
                claimed[key, default: 0] += cell.pages
                if claim.state == .confirmed { confirmed[key, default: 0] += cell.pages }
            }
        }
        claimedPages = claimed
        confirmedPages = confirmed
        claimHolders = live.map(Holder.init(claim:))
        guard let snapshot else {
            resourceStuck = [:]
            driverDrift = [:]
            poolDrift = []
            return
        }
        var devices: [String: PCIDevice] = [:]
        for d in snapshot.pciDevices { devices[d.address] = d }
        var stuck: [String: [StuckReason]] = [:]
        var drivers: [String: [Drift]] = [:]
        for claim in live {
            let reasons = ClaimStateDerivation.goneReasons(claim.usage, snapshot: snapshot, devices: devices)
                + (applied.shrunk[claim.id] ?? [])
            if !reasons.isEmpty { stuck[claim.id] = reasons }
            let rebound = DriftFinder.drivers(claim, devices: devices)
            if !rebound.isEmpty { drivers[claim.id] = rebound }
        }
        resourceStuck = stuck
        driverDrift = drivers
        poolDrift = DriftFinder.hugepages(live, snapshot)
    }
}
