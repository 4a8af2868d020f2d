/// A promise of resources to a consumer: the request, where it landed, and
/// its state. Times are seconds since the Unix epoch.
public struct Claim: Codable, Hashable, Sendable, Identifiable {
    /// Short and human-typable (e.g. `c7f3k2`).
    public var id: String
    public var consumer: Consumer
    public var request: Request
    /// Always a fitting decision (`fits == true`).
    public var decision: Decision
    /// The host resources the decision holds (pinned CPUs with isolate
    /// siblings, pages, shared usage, devices), fixed when the claim is made.
    public var usage: ClaimUsage
    public var state: ClaimState
    public var createdAt: Double
    public var confirmedAt: Double?
    /// When it was released or aborted.
    public var endedAt: Double?
    /// An unconfirmed claim older than this is stuck.
    public var ttlSeconds: Int
    public var note: String?

    public init(id: String, consumer: Consumer, request: Request, decision: Decision, usage: ClaimUsage,
                state: ClaimState = .claimed,
                createdAt: Double, confirmedAt: Double? = nil, endedAt: Double? = nil, ttlSeconds: Int = 600,
                note: String? = nil) {
        self.id = id
        self.consumer = consumer
        self.request = request
        self.decision = decision
        self.usage = usage
        self.state = state
        self.createdAt = createdAt
        self.confirmedAt = confirmedAt
        self.endedAt = endedAt
        self.ttlSeconds = ttlSeconds
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, consumer, request, decision, usage, state, createdAt = "created_at", confirmedAt = "confirmed_at"
        case endedAt = "ended_at", ttlSeconds = "ttl_seconds", note
    }
}
