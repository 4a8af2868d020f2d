/// Where a claim is in its life (Nova's PCI claimed → allocated, extended to
/// every resource). `claimed` and `confirmed` claims hold resources.
public enum ClaimState: String, Codable, Hashable, Sendable, CaseIterable {
    case claimed, confirmed, released, aborted

    /// Whether a claim in this state still holds its resources.
    public var isLive: Bool { self == .claimed || self == .confirmed }
}

/// Who holds a claim. A pid is only trusted together with the process's
/// start time (field 22 of `/proc/PID/stat`, clock ticks since boot), so a
/// reused pid is not mistaken for the owner.
public struct Consumer: Codable, Hashable, Sendable {
    public var name: String
    public var pid: Int32?
    public var pidStartTime: UInt64?
    /// A libvirt domain UUID, when the consumer is a guest.
    public var domainUUID: String?

    public init(name: String, pid: Int32? = nil, pidStartTime: UInt64? = nil, domainUUID: String? = nil) {
        self.name = name
        self.pid = pid
        self.pidStartTime = pidStartTime
        self.domainUUID = domainUUID
    }

    enum CodingKeys: String, CodingKey {
        case name, pid, pidStartTime = "pid_start_time", domainUUID = "domain_uuid"
    }
}

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
