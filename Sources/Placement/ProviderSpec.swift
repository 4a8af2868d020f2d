/// A provider as restrack wants it in Placement: its name, its parent's
/// name (nil for the host's root), traits and inventories.
public struct ProviderSpec: Codable, Hashable, Sendable {
    public var name: String
    public var parent: String?
    public var traits: [String]
    public var inventories: [String: Inventory]

    public init(name: String, parent: String?, traits: [String], inventories: [String: Inventory]) {
        self.name = name
        self.parent = parent
        self.traits = traits.sorted()
        self.inventories = inventories
    }
}
