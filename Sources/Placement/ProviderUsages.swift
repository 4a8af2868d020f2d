/// `GET /resource_providers/{uuid}/usages`.
struct ProviderUsages: Codable {
    var generation: Int
    var usages: [String: Int]

    enum CodingKeys: String, CodingKey {
        case generation = "resource_provider_generation", usages
    }
}
