/// A difference between what the ledger promised and what the host shows:
/// not stuck (the owner is there and the resources exist), but the host
/// does not look the way the promise says it should.
public struct Drift: Encodable, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// The owner process may run on CPUs its claim does not hold.
        case affinity
        /// A page pool has fewer free pages than the confirmed claims leave.
        case hugepages
        /// A held device is bound to no driver, or to another one than when claimed.
        case driver
    }

    public var kind: Kind
    /// The one claim this is about; nil when it is about a pool several
    /// claims share (`holders` names them).
    public var claimID: String?
    /// Every claim this drift concerns, so each of their rows can show it.
    public var holders: [String]
    /// The finding without the claim id, for a line under the claim's row.
    public var detail: String

    public init(kind: Kind, claimID: String?, holders: [String]? = nil, detail: String) {
        self.kind = kind
        self.claimID = claimID
        self.holders = holders ?? claimID.map { [$0] } ?? []
        self.detail = detail
    }

    /// The full sentence, naming the claim when there is one.
    public var message: String { claimID.map { "claim \($0): \(detail)" } ?? detail }

    public var description: String { message }

    enum CodingKeys: String, CodingKey {
        case kind, claimID = "claim_id", message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(claimID, forKey: .claimID)
        try c.encode(message, forKey: .message)
    }
}
