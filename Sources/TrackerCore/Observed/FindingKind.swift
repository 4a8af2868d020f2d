/// What a host-level finding is about (`check`, `observe --json`).
public enum FindingKind: String, Codable, Hashable, Sendable, CaseIterable {
    /// Hugepages or dedicated CPUs in use by something no claim explains.
    case outsideUse = "outside-use"
    /// One resource held by two owners (a live claim's CPU or device also
    /// held by another process; a device claimed while the host uses it).
    case conflict
    /// A claim's owner or resources differ from what it was promised.
    case drift
    /// A holder could not be fully read (another user's /proc, garbage).
    case notVisible = "not-visible"
}
