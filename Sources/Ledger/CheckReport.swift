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
    /// Holders' findings: outside use and conflicts between owners (problems),
    /// sources not visible (reported, not problems). Drift is in `drift`.
    public var findings: [Finding]

    public init(integrity: [String], conflicts: [String], stuck: [(claim: Claim, reasons: [StuckReason])],
                drift: [Drift], liveClaims: Int, warnings: [String] = [], findings: [Finding] = []) {
        self.findings = findings
        self.integrity = integrity
        self.conflicts = conflicts
        self.stuck = stuck
        self.drift = drift
        self.liveClaims = liveClaims
        self.warnings = warnings
    }

    /// Findings `check` fails on: outside use, conflicts, blind spots
    /// (tasks restrack could not see may pin the CPUs it hands out), and
    /// what the foreign owners' probes found: stale owners, checksum
    /// mismatches, refused state files, applied ≠ promised.
    public var problems: [Finding] {
        findings.filter { f in
            switch f.kind {
            case .outsideUse, .conflict, .stale, .checksumMismatch, .invalidFile, .drift: return true
            case .notVisible: return f.isBlindSpot
            }
        }
    }

    public var isHealthy: Bool {
        integrity.isEmpty && conflicts.isEmpty && stuck.isEmpty && drift.isEmpty && problems.isEmpty
    }
}
