/// The order in which host cells are tried for a guest, Nova's sort in
/// `numa_fit_instance_to_host` with its default spread strategy
/// (`packing_host_numa_cells_allocation_strategy = False`): only when the
/// host has more cells than the guest; most free memory first, then least
/// shared-CPU usage (unpinned guests) or most free dedicated CPUs (pinned
/// guests), then cells with PCI devices first for guests that ask for PCI
/// and last for guests that do not. Every sort is stable, as Python's is.
enum HostCellOrder {
    /// Positions in `host.cells`, best first.
    static func order(host: HostSnapshot, views: [HostCellView], topology: GuestTopology,
                      wantsPCI: Bool) -> [Int] {
        var idx = Array(host.cells.indices)
        guard host.cells.count > topology.cells.count else { return idx }
        func stableSort(descending: Bool, key: (Int) -> Int) {
            let keyed = idx.enumerated().map { (pos: $0.offset, i: $0.element, k: key($0.element)) }
            idx = keyed.sorted { a, b in
                if a.k != b.k { return descending ? a.k > b.k : a.k < b.k }
                return a.pos < b.pos
            }.map(\.i)
        }
        stableSort(descending: true) { host.cells[$0].memoryMB - host.cells[$0].memoryUsageMB }
        if topology.pinsCPUs {
            stableSort(descending: true) { views[$0].freePCPUCount }
        } else {
            stableSort(descending: false) { host.cells[$0].cpuUsage }
        }
        var devicesOnNode: [Int: Int] = [:]
        let devices = host.pciDevices
        for i in devices.indices where devices[i].status == .available {
            if let n = devices[i].numaNode { devicesOnNode[n, default: 0] += 1 }
        }
        stableSort(descending: wantsPCI) { devicesOnNode[host.cells[$0].id] ?? 0 }
        return idx
    }
}
