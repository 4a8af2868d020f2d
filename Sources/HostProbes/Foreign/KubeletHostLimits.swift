import TrackerCore

/// What a checkpoint is checked against before anything in it is walked:
/// the host's largest CPU id and its NUMA node ids. Part of the cache key
/// of a parsed checkpoint, since the same file can be valid on one host
/// snapshot and not on another.
struct KubeletHostLimits: Hashable, Sendable {
    var maxCPU: Int
    var nodes: Set<Int>

    init(maxCPU: Int, nodes: Set<Int>) {
        self.maxCPU = maxCPU
        self.nodes = nodes
    }

    init(snapshot: HostSnapshot) {
        var all = CPUSet()
        for cell in snapshot.cells {
            all.formUnion(cell.cpus)
            all.formUnion(cell.pcpus)
            if let offline = cell.offlineCPUs { all.formUnion(offline) }
        }
        // A snapshot without CPUs (never probed) bounds nothing below the
        // largest id restrack reads anywhere.
        maxCPU = all.max ?? CPUSet.maxCPUId
        nodes = Set(snapshot.cells.map(\.id))
    }
}
