/// One guest NUMA cell (Nova's `InstanceNUMACell` before fitting): which
/// guest vCPUs it holds, which of them are pinned, and its memory.
public struct GuestCell: Hashable, Sendable {
    /// Position in the guest topology (guest cell id).
    public var index: Int
    /// All guest vCPUs of the cell, ascending.
    public var vcpus: [Int]
    /// The vCPUs that need a dedicated host CPU each (Nova's `pcpuset`), ascending.
    public var pinned: [Int]
    /// Memory of the cell in MiB.
    public var memoryMB: Int

    public init(index: Int, vcpus: [Int], pinned: [Int], memoryMB: Int) {
        self.index = index
        self.vcpus = vcpus
        self.pinned = pinned
        self.memoryMB = memoryMB
    }

    /// vCPUs that float over the host cell's shared CPUs (Nova's `cpuset`).
    public var sharedCount: Int { vcpus.count - pinned.count }
}
