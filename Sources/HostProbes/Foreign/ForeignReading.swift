import TrackerCore

/// What one foreign owner's state files say: its holders (kind `libvirt` or
/// `kubelet`, with `Holder.foreign` set), the findings the reading itself
/// makes (stale owners, checksum mismatches, files refused, applied ≠
/// promised) and what could not be read, said once.
public struct ForeignReading: Hashable, Sendable {
    public var holders: [Holder]
    public var findings: [Finding]
    public var notVisible: [String]

    public init(holders: [Holder] = [], findings: [Finding] = [], notVisible: [String] = []) {
        self.holders = holders
        self.findings = findings
        self.notVisible = notVisible
    }
}
