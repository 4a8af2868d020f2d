extension HostSnapshot {
    /// The host, when it passes the checks the `Decodable` path makes
    /// (cells present, cell ids and CPUs not repeated, PCI addresses not
    /// repeated, VF parents that can be PFs); nil otherwise.
    static func assembleChecked(hostname: String, cpuRatio: Double, ramRatio: Double, cells: [NUMACell],
                                devices: [PCIDevice], aliases: [PCIAlias]) -> HostSnapshot? {
        guard !cells.isEmpty else { return nil }
        var all = CPUSet()
        for (k, c) in cells.enumerated() {
            // A handful of cells: a pairwise look beats hashing.
            guard !cells[..<k].contains(where: { $0.id == c.id }) else { return nil }
            let mine = c.cpus.union(c.pcpus)
            guard all.isDisjoint(with: mine) else { return nil }
            all.formUnion(mine)
        }
        // Sized once: growing the set rehashed every address several times.
        var addresses = Set<String>(minimumCapacity: devices.count)
        for d in devices where !addresses.insert(d.address).inserted { return nil }
        guard vfParentProblem(devices) == nil else { return nil }
        return HostSnapshot(hostname: hostname, cpuAllocationRatio: cpuRatio, ramAllocationRatio: ramRatio, cells: cells,
                            pciDevices: devices, pciAliases: aliases)
    }
}

extension NUMACell {
    /// The cell, when it passes the `Decodable` path's checks (shared and
    /// dedicated CPUs disjoint, sibling groups disjoint, page sizes not
    /// repeated); nil otherwise.
    static func assembleChecked(id: Int, socket: Int?, cpus: CPUSet, pcpus: CPUSet, siblings: [CPUSet], memoryMB: Int,
                                cpuUsage: Int, memoryUsageMB: Int, pinnedCPUs: CPUSet,
                                mempages: [PagePool]) -> NUMACell? {
        guard cpus.isDisjoint(with: pcpus) else { return nil }
        var seen = CPUSet()
        for g in siblings {
            guard seen.isDisjoint(with: g) else { return nil }
            seen.formUnion(g)
        }
        for (k, p) in mempages.enumerated() where mempages[..<k].contains(where: { $0.sizeKB == p.sizeKB }) {
            return nil
        }
        return NUMACell(id: id, socket: socket, cpus: cpus, pcpus: pcpus, siblings: siblings, memoryMB: memoryMB,
                        cpuUsage: cpuUsage, memoryUsageMB: memoryUsageMB, pinnedCPUs: pinnedCPUs, mempages: mempages)
    }
}
