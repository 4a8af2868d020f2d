/// `POST /resource_providers`.
struct NewProvider: Encodable {
    var name: String
    var uuid: String?
    var parentProviderUUID: String?

    enum CodingKeys: String, CodingKey {
        case name, uuid, parentProviderUUID = "parent_provider_uuid"
    }
}
