/// `GET`/`PUT /resource_providers/{uuid}/traits`.
struct ProviderTraits: Codable {
    var generation: Int
    var traits: [String]

    enum CodingKeys: String, CodingKey {
        case generation = "resource_provider_generation", traits
    }
}
