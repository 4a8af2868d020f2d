/// A resource provider as Placement lists it.
public struct ResourceProvider: Codable, Hashable, Sendable {
    public var uuid: String
    public var name: String
    public var generation: Int
    public var parentProviderUUID: String?
    public var rootProviderUUID: String?

    public init(uuid: String, name: String, generation: Int, parentProviderUUID: String?, rootProviderUUID: String?) {
        self.uuid = uuid
        self.name = name
        self.generation = generation
        self.parentProviderUUID = parentProviderUUID
        self.rootProviderUUID = rootProviderUUID
    }

    enum CodingKeys: String, CodingKey {
        case uuid, name, generation
        case parentProviderUUID = "parent_provider_uuid", rootProviderUUID = "root_provider_uuid"
    }
}
