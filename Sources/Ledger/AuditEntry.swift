/// One row of the audit log: every claim, confirm, release, abort and failed
/// attempt. `reason` is operator text (a note, a release reason, why a claim
/// was refused), capped at `AuditEntry.maxReasonLength` characters.
public struct AuditEntry: Codable, Hashable, Sendable {
    public static let maxReasonLength = 200

    public var seq: Int64
    public var at: Double
    /// claim, confirm, release, abort, release-stuck.
    public var action: String
    /// ok or refused.
    public var outcome: String
    public var claimID: String?
    public var uid: UInt32
    public var user: String
    public var pid: Int32
    public var host: String
    public var reason: String?

    public init(seq: Int64, at: Double, action: String, outcome: String, claimID: String?, uid: UInt32, user: String,
                pid: Int32, host: String, reason: String?) {
        self.seq = seq
        self.at = at
        self.action = action
        self.outcome = outcome
        self.claimID = claimID
        self.uid = uid
        self.user = user
        self.pid = pid
        self.host = host
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case seq, at, action, outcome, claimID = "claim_id", uid, user, pid, host, reason
    }

    /// `text` cut to the cap, so a pasted request or log never fills the audit.
    public static func capped(_ text: String?) -> String? {
        guard let text else { return nil }
        return text.count > maxReasonLength ? String(text.prefix(maxReasonLength - 1)) + "…" : text
    }
}
