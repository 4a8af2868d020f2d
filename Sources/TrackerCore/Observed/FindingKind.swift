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
    /// A foreign owner's state names a process or pod that is gone (a
    /// domstatus pid not running, a kubelet entry whose pod cgroup is gone):
    /// its resources stay promised by that owner until it is cleaned up.
    case stale
    /// A kubelet checkpoint whose checksum does not match its content: the
    /// kubelet will refuse to start with it. Its content is shown, unverified.
    case checksumMismatch = "checksum-mismatch"
    /// A foreign owner's state file restrack refused to read (a DTD, the
    /// wrong type, a missing attribute, too large): named with the file.
    case invalidFile = "invalid-file"
}
