/// `GET`/`PUT /resource_providers/{uuid}/inventories`.
struct ProviderInventories: Codable {
    var generation: Int
    var inventories: [String: Inventory]

    enum CodingKeys: String, CodingKey {
        case generation = "resource_provider_generation", inventories
    }
}
