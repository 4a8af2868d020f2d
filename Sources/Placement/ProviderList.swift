/// `GET /resource_providers`.
struct ProviderList: Codable {
    var resourceProviders: [ResourceProvider]

    enum CodingKeys: String, CodingKey { case resourceProviders = "resource_providers" }
}
