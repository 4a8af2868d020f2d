import TrackerCore

/// One NUMA node as the kernel reports it, before CPUs are split into
/// shared and dedicated: all its CPUs (online or not), its memory and its
/// distances. Both the libnuma and the sysfs path produce these, so a test
/// can compare them.
public struct NUMANodeInfo: Sendable, Hashable {
    public var id: Int
    /// Every CPU the node lists, including offline ones.
    public var cpus: CPUSet
    /// MemTotal in KiB; 0 for a node whose meminfo is missing or garbled.
    public var memTotalKB: Int
    public var memFreeKB: Int?
    /// Distance to each node id; nil when unknown.
    public var distances: [Int: Int]?

    public init(id: Int, cpus: CPUSet, memTotalKB: Int, memFreeKB: Int? = nil, distances: [Int: Int]? = nil) {
        self.id = id
        self.cpus = cpus
        self.memTotalKB = memTotalKB
        self.memFreeKB = memFreeKB
        self.distances = distances
    }
}
