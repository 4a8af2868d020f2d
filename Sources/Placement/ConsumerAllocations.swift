/// `GET /allocations/{consumer}`: where one consumer holds what, and its generation.
struct ConsumerAllocations: Codable {
    struct Held: Codable {
        var resources: [String: Int]
    }

    var allocations: [String: Held]
    var consumerGeneration: Int?
    var consumerType: String?

    enum CodingKeys: String, CodingKey {
        case allocations, consumerGeneration = "consumer_generation", consumerType = "consumer_type"
    }
}
