import TrackerCore

/// What a sync publishes: the host, its live claims, what others hold, and
/// the ids of every claim the ledger knows (live or ended), whose consumers
/// restrack may find in Placement and remove.
public struct SyncInputs: Sendable {
    public var name: String
    public var snapshot: HostSnapshot
    public var claims: [Claim]
    public var holders: [Holder]
    public var knownClaimIDs: [String]
    /// Device address → resource class its `[pci] device_spec` names.
    public var resourceClasses: [String: String]

    public init(name: String, snapshot: HostSnapshot, claims: [Claim], holders: [Holder], knownClaimIDs: [String],
                resourceClasses: [String: String] = [:]) {
        self.name = name
        self.snapshot = snapshot
        self.claims = claims
        self.holders = holders
        self.knownClaimIDs = knownClaimIDs
        self.resourceClasses = resourceClasses
    }
}
