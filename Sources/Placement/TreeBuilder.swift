import TrackerCore

/// Builds the tree restrack publishes for a host: a root, one child per
/// NUMA cell with PCPU and VCPU, under each cell one child per page size
/// with MEMORY_MB, and one child per PCI parent (a PF with its VFs, or a
/// whole device) under the cell the device is attached to; and each live
/// claim as a consumer on exactly those providers.
public struct TreeBuilder: Sendable {
    public var name: String
    /// The root provider's UUID, which the claims' consumer UUIDs derive from.
    public var rootUUID: String

    public init(name: String, rootUUID: String) {
        self.name = name
        self.rootUUID = rootUUID
    }

    /// A claim's consumer UUID under this root.
    public func consumerUUID(claimID: String) -> String {
        StableUUID.make("restrack-claim:\(rootUUID):\(claimID)")
    }

    /// `holders` are what others hold (kinds other than restrack; the
    /// live view's `holding`, so a claim owner's own use is not here): their
    /// dedicated CPUs, hugepages and devices become `reserved`, and so does
    /// the small-page memory libvirt domains and kubelet pods are given.
    /// `resourceClasses`: device address → the resource class its device
    /// spec names (`PlacementNames.configuredClass` applied).
    public func build(snapshot: HostSnapshot, claims: [Claim], holders: [Holder],
                      resourceClasses: [String: String] = [:]) -> DesiredTree {
        let owner = PlacementNames.ownerTrait
        var providers = [ProviderSpec(name: name, parent: nil, traits: [owner], inventories: [:])]
        var notes: [String] = []
        let foreign = holders.filter { $0.kind != .restrack }
        let foreignCPUs = foreign.reduce(into: CPUSet()) { $0.formUnion($1.cpus) }
        var foreignPages: [PagePoolKey: Int] = [:]
        for h in foreign {
            for p in h.pages { foreignPages[PagePoolKey(node: p.node, sizeKB: p.sizeKB), default: 0] += p.count }
        }
        let foreignDevices = Set(foreign.flatMap(\.pciDevices))
        var foreignSmallMB: [Int: Int] = [:]
        for h in foreign where h.isForeign {
            for node in h.memoryMBPerNode.keys {
                foreignSmallMB[node] = min(ContractLimits.maxCount,
                                           foreignSmallMB[node, default: 0] + min(h.smallPageMemoryMB(onNode: node), ContractLimits.maxCount))
            }
        }
        // The smallest page size of a cell is its "small" pages (4 KiB on x86).
        var smallSize: [Int: Int] = [:]
        for cell in snapshot.cells.sorted(by: { $0.id < $1.id }) {
            let cellName = PlacementNames.cell(name, cell.id)
            var inv: [String: Inventory] = [:]
            if !cell.pcpus.isEmpty {
                let held = cell.pcpus.intersection(foreignCPUs).count
                inv["PCPU"] = Inventory(total: cell.pcpus.count, reserved: held)
            }
            if !cell.cpus.isEmpty {
                // reserved_host_cpus reaches the cells as vCPU usage (N × ratio);
                // Placement takes whole CPUs before the ratio.
                let ratio = snapshot.cpuAllocationRatio
                let reserved = ratio > 0 ? Int((Double(cell.cpuUsage) / ratio).rounded(.up)) : 0
                inv["VCPU"] = Inventory(total: cell.cpus.count, reserved: min(reserved, cell.cpus.count),
                                        maxUnit: cell.cpus.count, allocationRatio: ratio)
            }
            providers.append(ProviderSpec(name: cellName, parent: name, traits: [owner, PlacementNames.numaRootTrait],
                                          inventories: inv))
            let pools = cell.mempages.sorted { $0.sizeKB < $1.sizeKB }
            let small = pools.first?.sizeKB ?? 4
            smallSize[cell.id] = small
            let largeMB = pools.dropFirst().reduce(0) { $0 + $1.total * $1.sizeKB / 1024 }
            let smallPool = pools.first ?? PagePool(sizeKB: 4, total: 0)
            let smallTotal = max(0, cell.memoryMB - largeMB)
            if smallTotal > 0 {
                let reservedMB = (smallPool.reserved * smallPool.sizeKB + 1023) / 1024 + (foreignSmallMB[cell.id] ?? 0)
                providers.append(ProviderSpec(
                    name: PlacementNames.pages(name, cell: cell.id, sizeKB: small), parent: cellName,
                    traits: [owner, PlacementNames.smallPagesTrait, PlacementNames.pageSizeTrait(small)],
                    inventories: ["MEMORY_MB": Inventory(total: smallTotal, reserved: min(reservedMB, smallTotal),
                                                         allocationRatio: snapshot.ramAllocationRatio)]))
            }
            for pool in pools.dropFirst() where pool.total > 0 && pool.sizeKB >= 1024 {
                let step = pool.sizeKB / 1024
                let held = pool.reserved + (foreignPages[PagePoolKey(node: cell.id, sizeKB: pool.sizeKB)] ?? 0)
                let total = pool.total * step
                providers.append(ProviderSpec(
                    name: PlacementNames.pages(name, cell: cell.id, sizeKB: pool.sizeKB), parent: cellName,
                    traits: [owner, PlacementNames.largePagesTrait, PlacementNames.pageSizeTrait(pool.sizeKB)],
                    inventories: ["MEMORY_MB": Inventory(total: total, reserved: min(held * step, total), minUnit: step,
                                                         stepSize: step)]))
            }
        }
        let pci = PCIProviders(host: name, snapshot: snapshot, configured: resourceClasses)
        for group in pci.groups {
            let parent = group.cell.flatMap { id in snapshot.cell(id: id).map { _ in PlacementNames.cell(name, id) } } ?? name
            let reserved = group.devices.filter { d in
                foreignDevices.contains(d.address) || d.status == .unavailable || d.status == .unclaimable
            }.count
            let total = group.devices.count
            providers.append(ProviderSpec(name: group.name, parent: parent, traits: [owner],
                                          inventories: [group.resourceClass: Inventory(total: total, reserved: reserved)]))
        }
        notes += pci.notes
        var consumers: [ConsumerSpec] = []
        for claim in claims where claim.state.isLive {
            var res: [String: [String: Int]] = [:]
            func add(_ provider: String, _ rc: String, _ amount: Int) {
                guard amount > 0 else { return }
                res[provider, default: [:]][rc, default: 0] += amount
            }
            for cell in claim.usage.cells {
                let cellName = PlacementNames.cell(name, cell.hostCell)
                add(cellName, "PCPU", cell.pinnedCPUs.count)
                add(cellName, "VCPU", cell.sharedVCPUs)
                let small = smallSize[cell.hostCell] ?? 4
                if let size = cell.pageSizeKB, size != small, size >= 1024 {
                    add(PlacementNames.pages(name, cell: cell.hostCell, sizeKB: size), "MEMORY_MB",
                        cell.pages > 0 ? cell.pages * size / 1024 : cell.memoryMB)
                } else {
                    add(PlacementNames.pages(name, cell: cell.hostCell, sizeKB: small), "MEMORY_MB", cell.memoryMB)
                }
            }
            if claim.usage.floatingVCPUs > 0 || claim.usage.floatingMemoryMB > 0 {
                notes.append("claim \(claim.id) has \(claim.usage.floatingVCPUs) vCPUs and \(claim.usage.floatingMemoryMB) MiB on no NUMA cell; Placement has no provider for them in this tree, so they are not published")
            }
            for address in claim.usage.pciDevices {
                guard let (provider, rc) = pci.provider(of: address) else {
                    notes.append("claim \(claim.id) holds device \(address), which has no provider (not on this host)")
                    continue
                }
                add(provider, rc, 1)
            }
            // A claim that holds nothing expressible is no consumer.
            guard !res.isEmpty else { continue }
            consumers.append(ConsumerSpec(claimID: claim.id, uuid: consumerUUID(claimID: claim.id), resources: res))
        }
        return DesiredTree(root: name, providers: providers, consumers: consumers, notes: notes)
    }
}
