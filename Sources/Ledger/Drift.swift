/// A difference between what the ledger promised and what the host shows,
/// reported beside stuck claims by `restrack check`.
public struct Drift: Codable, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// The owner process may run on CPUs its claim does not hold.
        case affinity
        /// A page pool has fewer free pages than the confirmed claims leave.
        case hugepages
        /// A held device is bound to no driver, or to another one than when claimed.
        case driver
    }

    public var kind: Kind
    public var claimID: String?
    public var message: String

    public init(kind: Kind, claimID: String?, message: String) {
        self.kind = kind
        self.claimID = claimID
        self.message = message
    }

    public var description: String { message }

    enum CodingKeys: String, CodingKey {
        case kind, claimID = "claim_id", message
    }
}
