/// One thing to say under a claim: why it is stuck, how the host drifted
/// from it, or that its owner could not be checked. The dashboard and the
/// CLI list these per claim, so a new kind of finding shows up everywhere
/// once `ClaimStateDerivation` derives it.
public struct ClaimFinding: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// The claim's resources can be released (see `StuckReason`).
        case stuck
        /// Promised and real differ (see `Drift`).
        case drift
        /// A resource of the claim is also held by another holder (see `Finding`).
        case conflict
        /// The owner pid was not visible to this reader.
        case ownerNotVisible = "owner-not-visible"
    }

    public var kind: Kind
    /// The sentence for operators.
    public var text: String

    public init(kind: Kind, text: String) {
        self.kind = kind
        self.text = text
    }
}
