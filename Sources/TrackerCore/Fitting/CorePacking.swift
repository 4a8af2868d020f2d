/// Pinned vCPUs placed on one host cell's cores (the pinning part of Nova's
/// `InstanceNUMACell` after `_pack_instance_onto_cores`).
struct CorePacking: Sendable {
    /// (guest vCPU, host CPU), guest vCPUs ascending.
    var pinning: [(vcpu: Int, pcpu: Int)]
    /// Host CPUs taken for the emulator threads (Nova's `cpuset_reserved`).
    var reserved: [Int]
}
