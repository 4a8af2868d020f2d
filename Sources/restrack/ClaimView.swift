import TrackerCore

/// A claim as `--json` prints it: the claim's own fields plus its stuck
/// reasons (`[]` when healthy).
struct ClaimView: Encodable {
    var claim: Claim
    var stuck: [StuckReason]
    /// Set when the owner pid could not be checked by this user.
    var ownerNotVisible: OwnerNotVisible? = nil
    /// Drift concerning the claim; the key is left out when there is none.
    var drift: [Drift] = []
    /// Host findings naming the claim (conflicts with other owners); the
    /// key is left out when there is none.
    var findings: [Finding] = []

    enum Keys: String, CodingKey { case stuck, ownerNotVisible = "owner_not_visible", drift, findings }

    struct Reason: Encodable {
        var code: String
        var reason: String
    }

    func encode(to encoder: any Encoder) throws {
        try claim.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(stuck.map { Reason(code: $0.code, reason: $0.description) }, forKey: .stuck)
        try c.encodeIfPresent(ownerNotVisible?.description, forKey: .ownerNotVisible)
        if !drift.isEmpty { try c.encode(drift, forKey: .drift) }
        if !findings.isEmpty { try c.encode(findings, forKey: .findings) }
    }
}
