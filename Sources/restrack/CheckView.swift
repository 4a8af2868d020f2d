import Ledger
import TrackerCore

/// `restrack check --json`: `ok` plus every finding by kind.
struct CheckView: Encodable {
    var ok: Bool
    var liveClaims: Int
    var integrity: [String]
    var conflicts: [String]
    var stuck: [ClaimView]
    var drift: [Drift]
    var warnings: [String]
    /// Outside use, conflicts between owners, sources not visible.
    var findings: [Finding]

    enum CodingKeys: String, CodingKey {
        case ok, liveClaims = "live_claims", integrity, conflicts, stuck, drift, warnings, findings
    }
}
