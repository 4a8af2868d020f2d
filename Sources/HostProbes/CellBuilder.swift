import TrackerCore

/// Turns kernel NUMA nodes and CPU topology into the contract's cells:
/// online CPUs split into shared (`cpus`) and dedicated (`pcpus`), sibling
/// groups, memory and page pools.
///
/// The split: with `cpu_dedicated_set` / `cpu_shared_set` in the config,
/// those (restricted to online CPUs; see `ComputeConfig` for one set
/// without the other); otherwise isolated CPUs are dedicated and the rest
/// shared, because `isolcpus=` is how operators keep the scheduler off the
/// CPUs they mean to pin.
struct CellBuilder {
    let topology: CPUTopology
    let config: ComputeConfig?
    let smallPageKB: Int

    func cells(nodes: [NUMANodeInfo], reader: SysfsReader, warnings: inout ProbeWarnings) -> [NUMACell] {
        let online = topology.online
        let (dedicated, shared) = split(online: online, warnings: &warnings)

        var placed = CPUSet()
        var cells: [NUMACell] = []
        for node in nodes.sorted(by: { $0.id < $1.id }) {
            var nodeCPUs = node.cpus
            let twice = nodeCPUs.intersection(placed)
            if !twice.isEmpty {
                warnings.add("NUMA node \(node.id) lists CPUs \(twice) that an earlier node already has; "
                             + "assumed they belong to the earlier node.")
                nodeCPUs.subtract(twice)
            }
            placed.formUnion(nodeCPUs)
            let mine = nodeCPUs.intersection(online)
            let cellCPUs = mine.intersection(shared)
            let cellPCPUs = mine.intersection(dedicated)
            let usable = cellCPUs.union(cellPCPUs)

            // Groups of other nodes are skipped by a count before any set is
            // built, and a group wholly usable is kept as it is: a 512-CPU
            // host has 256 groups and every cell sees them all.
            let siblings = topology.siblingGroups
                .filter { $0.intersectionCount(usable) >= 2 }
                .map { $0.isSubset(of: usable) ? $0 : $0.intersection(usable) }
                .sorted { ($0.min ?? 0) < ($1.min ?? 0) }

            var pools = HugepageProbe.pools(node: node.id, nodeCount: nodes.count, reader: reader, warnings: &warnings)
            // Each pool's KiB fit an Int (HugepageProbe checks); their sum may not.
            let hugeKB = pools.reduce(0) { sum, pool in
                let (s, overflow) = sum.addingReportingOverflow(pool.total * pool.sizeKB)
                return overflow ? Int.max : s
            }
            let smallTotal = max(0, node.memTotalKB - hugeKB) / smallPageKB
            pools.insert(PagePool(sizeKB: smallPageKB, total: smallTotal,
                                  free: node.memFreeKB.map { max(0, $0) / smallPageKB }, surplus: nil), at: 0)
            reserve(node: node.id, pools: &pools, warnings: &warnings)

            cells.append(NUMACell(
                id: node.id, socket: onlySocket(of: mine),
                cpus: cellCPUs, pcpus: cellPCPUs, siblings: siblings,
                memoryMB: node.memTotalKB / 1024, mempages: pools,
                distances: node.distances,
                offlineCPUs: nodeCPUs.subtracting(online).intersection(topology.present),
                isolatedCPUs: nodeCPUs.intersection(topology.isolated),
                memoryFreeMB: node.memFreeKB.map { $0 / 1024 }))
        }
        let homeless = online.subtracting(placed)
        if !homeless.isEmpty {
            warnings.add("CPUs \(homeless) are online but no NUMA node directory lists them (their node is offline); "
                         + "assumed they are in no cell and cannot be handed out.")
        }
        return cells
    }

    /// The one socket `cpus` sit on; nil when they span several or none
    /// has a known socket.
    private func onlySocket(of cpus: CPUSet) -> Int? {
        var found: Int?
        var several = false
        cpus.forEachCPU { cpu in
            guard !several, let socket = topology.socket[cpu] else { return }
            if found == nil { found = socket } else if found != socket { several = true }
        }
        return several ? nil : found
    }

    /// (dedicated, shared) among the online CPUs.
    private func split(online: CPUSet, warnings: inout ProbeWarnings) -> (CPUSet, CPUSet) {
        if let pin = config?.vcpuPinSet {
            // Nova's legacy mode offers vcpu_pin_set to shared and pinned
            // guests alike; restrack's sets are disjoint, so its default
            // split is applied inside vcpu_pin_set.
            if config?.cpuSharedSet != nil {
                warnings.add("config [DEFAULT] vcpu_pin_set and [compute] cpu_shared_set are both set; as in Nova, "
                             + "vcpu_pin_set is used and cpu_shared_set ignored.")
            }
            let missing = pin.subtracting(online)
            if !missing.isEmpty {
                warnings.add("config [DEFAULT] vcpu_pin_set names CPUs \(missing) that are not online on this host; "
                             + "assumed they are left out.")
            }
            let pool = pin.intersection(online)
            let dedicated = topology.isolated.intersection(pool)
            return (dedicated, pool.subtracting(dedicated))
        }
        guard let config, config.cpuDedicatedSet != nil || config.cpuSharedSet != nil else {
            let dedicated = topology.isolated.intersection(online)
            return (dedicated, online.subtracting(dedicated))
        }
        let dedicated = config.cpuDedicatedSet ?? []
        let shared = config.cpuSharedSet ?? []
        for (name, set) in [("cpu_dedicated_set", dedicated), ("cpu_shared_set", shared)] {
            let missing = set.subtracting(online)
            if !missing.isEmpty {
                warnings.add("config [compute] \(name) names CPUs \(missing) that are not online on this host; "
                             + "assumed they are left out.")
            }
        }
        return (dedicated.intersection(online), shared.intersection(online))
    }

    /// `reserved_huge_pages` entries for this node set the pools' `reserved`.
    private func reserve(node: Int, pools: inout [PagePool], warnings: inout ProbeWarnings) {
        guard let config else { return }
        for entry in config.reservedHugePages where entry.node == node {
            guard let i = pools.firstIndex(where: { $0.sizeKB == entry.sizeKB }) else {
                warnings.add("config [DEFAULT] reserved_huge_pages reserves \(entry.count) pages of \(entry.sizeKB) KiB "
                             + "on node \(node), which has no such page size; assumed nothing is reserved there.")
                continue
            }
            if entry.count > pools[i].total {
                warnings.add("config [DEFAULT] reserved_huge_pages reserves \(entry.count) pages of \(entry.sizeKB) KiB "
                             + "on node \(node), which has \(pools[i].total); assumed all of them are reserved.")
            }
            pools[i].reserved = min(entry.count, pools[i].total)
        }
    }
}
