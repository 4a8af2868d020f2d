/// One live claim as a Placement consumer: what it holds, per provider name.
public struct ConsumerSpec: Codable, Hashable, Sendable {
    public var claimID: String
    public var uuid: String
    /// provider name → resource class → amount (every amount ≥ 1).
    public var resources: [String: [String: Int]]

    public init(claimID: String, uuid: String, resources: [String: [String: Int]]) {
        self.claimID = claimID
        self.uuid = uuid
        self.resources = resources
    }

    enum CodingKeys: String, CodingKey {
        case claimID = "claim_id", uuid, resources
    }
}
