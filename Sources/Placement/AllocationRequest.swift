/// One consumer's entry in `POST /allocations` (microversion 1.38).
struct AllocationRequest: Encodable {
    struct Held: Encodable {
        var resources: [String: Int]
    }

    var allocations: [String: Held]
    var projectID: String
    var userID: String
    /// nil for a consumer Placement does not know yet (encoded as null).
    var consumerGeneration: Int?
    var consumerType: String

    enum CodingKeys: String, CodingKey {
        case allocations, projectID = "project_id", userID = "user_id", consumerGeneration = "consumer_generation",
             consumerType = "consumer_type"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(allocations, forKey: .allocations)
        try c.encode(projectID, forKey: .projectID)
        try c.encode(userID, forKey: .userID)
        try c.encode(consumerGeneration, forKey: .consumerGeneration)
        try c.encode(consumerType, forKey: .consumerType)
    }
}
