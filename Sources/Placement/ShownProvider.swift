/// One provider as `restrack placement show` prints it.
public struct ShownProvider: Codable, Hashable, Sendable {
    public var uuid: String
    public var name: String
    public var parentUUID: String?
    public var generation: Int
    public var traits: [String]
    public var inventories: [String: Inventory]
    public var usages: [String: Int]
    /// consumer UUID → resource class → amount, on this provider.
    public var allocations: [String: [String: Int]]

    enum CodingKeys: String, CodingKey {
        case uuid, name, parentUUID = "parent_uuid", generation, traits, inventories, usages, allocations
    }
}
