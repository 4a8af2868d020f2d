/// `GET /resource_providers/{uuid}/allocations`: what each consumer holds here.
struct ProviderAllocations: Codable {
    struct Held: Codable {
        var resources: [String: Int]
    }

    var generation: Int
    var allocations: [String: Held]

    enum CodingKeys: String, CodingKey {
        case generation = "resource_provider_generation", allocations
    }
}
