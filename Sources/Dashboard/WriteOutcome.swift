import TrackerCore

/// How a `LedgerWrite` ended, as plain values that can cross threads
/// (errors become their sentence here).
public enum WriteOutcome: Hashable, Sendable {
    case claimed(Claim)
    case done
    case releasedStuck([String])
    case failed(String)
}
