/// Where a claim is in its life (Nova's PCI claimed → allocated, extended to
/// every resource). `claimed` and `confirmed` claims hold resources.
public enum ClaimState: String, Codable, Hashable, Sendable, CaseIterable {
    case claimed, confirmed, released, aborted

    /// Whether a claim in this state still holds its resources.
    public var isLive: Bool { self == .claimed || self == .confirmed }
}
