import TrackerCore

/// What one foreign owner's state files say: its holders (kind `libvirt` or
/// `kubelet`, with `Holder.foreign` set), the findings the reading itself
/// makes (stale owners, checksum mismatches, files refused, applied ≠
/// promised) and what could not be read, said once.
public struct ForeignReading: Hashable, Sendable {
    public var holders: [Holder]
    public var findings: [Finding]
    public var notVisible: [String]
    /// pid → thread id → allowed CPUs, of the threads this reading read
    /// from `/proc` this poll (libvirt's vCPU threads), so the observer's
    /// task scan need not read them again.
    public var threadAffinities: [Int32: [Int32: CPUSet]]

    public init(holders: [Holder] = [], findings: [Finding] = [], notVisible: [String] = [],
                threadAffinities: [Int32: [Int32: CPUSet]] = [:]) {
        self.holders = holders
        self.findings = findings
        self.notVisible = notVisible
        self.threadAffinities = threadAffinities
    }
}
