import TrackerCore

/// What `restrack check` found. Any entry in any list is a problem.
public struct CheckReport: Sendable {
    /// SQLite integrity and index-versus-claims mismatches.
    public var integrity: [String]
    /// Double promises and PF/VF inconsistencies.
    public var conflicts: [String]
    public var stuck: [(claim: Claim, reasons: [StuckReason])]
    public var drift: [Drift]
    public var liveClaims: Int

    public init(integrity: [String], conflicts: [String], stuck: [(claim: Claim, reasons: [StuckReason])],
                drift: [Drift], liveClaims: Int) {
        self.integrity = integrity
        self.conflicts = conflicts
        self.stuck = stuck
        self.drift = drift
        self.liveClaims = liveClaims
    }

    public var isHealthy: Bool { integrity.isEmpty && conflicts.isEmpty && stuck.isEmpty && drift.isEmpty }
}
