import TrackerCore

/// What `restrack check` found. Any entry in any list but `warnings` is a problem.
public struct CheckReport: Sendable {
    /// SQLite integrity and index-versus-claims mismatches.
    public var integrity: [String]
    /// Double promises and PF/VF inconsistencies.
    public var conflicts: [String]
    public var stuck: [(claim: Claim, reasons: [StuckReason])]
    public var drift: [Drift]
    public var liveClaims: Int
    /// Things that could not be checked (an owner pid this user may not
    /// see): reported, but not problems, so cron is not paged for them.
    public var warnings: [String]

    public init(integrity: [String], conflicts: [String], stuck: [(claim: Claim, reasons: [StuckReason])],
                drift: [Drift], liveClaims: Int, warnings: [String] = []) {
        self.integrity = integrity
        self.conflicts = conflicts
        self.stuck = stuck
        self.drift = drift
        self.liveClaims = liveClaims
        self.warnings = warnings
    }

    public var isHealthy: Bool { integrity.isEmpty && conflicts.isEmpty && stuck.isEmpty && drift.isEmpty }
}
