import TrackerCore

/// What the kernel says about the CPUs: which exist, which are online,
/// which are isolated from the scheduler, each online CPU's socket and its
/// SMT sibling group.
public struct CPUTopology: Sendable, Hashable {
    /// CPUs with a `cpuN` directory (or in `present`).
    public var present: CPUSet
    public var online: CPUSet
    /// `/sys/devices/system/cpu/isolated` (the `isolcpus=` kernel argument).
    public var isolated: CPUSet
    /// `physical_package_id` of each online CPU that reports one (not -1).
    public var socket: [Int: Int]
    /// Distinct `thread_siblings` groups of the online CPUs, singletons included.
    public var siblingGroups: [CPUSet]

    public init(present: CPUSet, online: CPUSet, isolated: CPUSet = [], socket: [Int: Int] = [:],
                siblingGroups: [CPUSet] = []) {
        self.present = present
        self.online = online
        self.isolated = isolated
        self.socket = socket
        self.siblingGroups = siblingGroups
    }
}
