/// What the ledger keeps of a host published to Placement under `name`:
/// the root provider's UUID and the last sync's state (JSON the Placement
/// module reads back), stamped with when it was recorded.
public struct PlacementRecord: Hashable, Sendable {
    public var name: String
    public var rootUUID: String
    public var state: String
    public var syncedAt: Double

    public init(name: String, rootUUID: String, state: String, syncedAt: Double) {
        self.name = name
        self.rootUUID = rootUUID
        self.state = state
        self.syncedAt = syncedAt
    }
}
