/// What a fit and a claim see on a host whose resources others use too:
/// the host with every live claim applied (`claimsOnly`), then CPUs pinned
/// by holders that are not restrack claims, hugepages in use outside
/// restrack, the memory libvirt domains and kubelet pods are given and
/// devices the host or a process uses taken out (`effective`).
/// Built by `ClaimStateDerivation` from whole claims, and by the ledger's
/// claim transaction from its index, so both refuse the same things.
public struct LiveView: Hashable, Sendable {
    /// What holders can take out of the host, so a refusal can tell which
    /// of them made a request fail.
    public enum Blocker: Hashable, Sendable, CaseIterable {
        case cpus, pages, memory, devices
    }

    public let snapshot: HostSnapshot
    /// `snapshot` with the live claims applied: what Nova's semantics alone give.
    public let claimsOnly: HostSnapshot
    /// `claimsOnly` with every holder's use taken out: what a new request is fitted against.
    public let effective: HostSnapshot
    /// Holders besides restrack claims, merged by id, as listed: a kernel
    /// holder whose pid is a live claim's owner is that claim's own use and
    /// is not here, nor one a running libvirt domain or kubelet pod explains
    /// (`ForeignFold`); foreign owners are listed whole, shut-off domains
    /// too; the `outside` holder of unexplained hugepages comes last.
    public let holders: [Holder]
    /// What of `holders` takes resources out of the host: foreign owners
    /// first (less what a live claim of their QEMU process explains; none
    /// for a shut-off domain unless `countDefined`), then the others.
    public let holding: [Holder]
    /// Host node → MiB the foreign owners holding resources are given
    /// there, as Nova counts an instance's cell memory
    /// (`Holder.cellMemoryMB`): taken out of the cell's memory like a
    /// claim's, so small-page fits leave it to them.
    public let foreignMemoryMB: [Int: Int]
    /// Host node → the part of `foreignMemoryMB` not backed by hugepages
    /// (`Holder.smallPageMemoryMB`): also taken out of the cell's smallest
    /// page pool, which pinned guests are fitted against (Nova's rule).
    public let foreignSmallPageMB: [Int: Int]
    /// Host node → the labels of the owners in `foreignMemoryMB`.
    public let foreignMemoryOwners: [Int: [String]]
    /// Host CPU → the (non-restrack) holder pinned to it.
    public let cpuHolders: [Int: Holder]
    /// PCI address → why it cannot be claimed although the snapshot lists it.
    public let deviceBlockers: [String: String]
    /// Hugepage pools with the kernel's counts (only those with `free`, or
    /// with foreign owners' pages).
    public let pools: [PoolUse]
    /// The live claims' owners (and the new claim's owner when fitting
    /// one) with what their claims explain of their holding.
    public let owners: ClaimOwners

    /// - Parameters:
    ///   - claimedPages, confirmedPages: pages all live claims / confirmed
    ///     claims hold per pool.
    public init(snapshot: HostSnapshot, claimsOnly: HostSnapshot, observations seen: Observations, owners: ClaimOwners,
                claimedPages: [PagePoolKey: Int], confirmedPages: [PagePoolKey: Int]) {
        self.snapshot = snapshot
        self.claimsOnly = claimsOnly
        self.owners = owners
        let merged = ForeignFold.fold(HolderMerge.merged(seen.holders, devices: seen.devices))
        // The scopes owners run in: a VM's vCPU cgroups are its owner's use,
        // as far as its claims go.
        var scopeUse: [String: ClaimOwners.Use] = [:]
        for h in merged where !h.isForeign {
            guard let pid = h.pid, let use = owners.byPid[pid],
                  let scope = h.cgroup.flatMap(CgroupUnit.scope(of:)) else { continue }
            scopeUse[scope, default: ClaimOwners.Use()].cpus.formUnion(use.cpus)
            scopeUse[scope, default: ClaimOwners.Use()].devices.formUnion(use.devices)
            if use.whole { scopeUse[scope, default: ClaimOwners.Use()].whole = true }
        }
        var listed: [Holder] = []
        var foreign: [Holder] = []
        var others: [Holder] = []
        for h in merged where h.kind != .restrack {
            if h.isForeign {
                listed.append(h)
                guard h.holdsResources(countDefined: seen.countDefined) else { continue }
                // A domain whose QEMU process a live claim names holds what
                // that claim does not explain, as any claim owner does.
                if h.foreign?.state == .running, let pid = h.pid, let use = owners.byPid[pid] {
                    if let rest = ClaimOwners.remainder(of: h, use: use) { foreign.append(rest) }
                } else {
                    foreign.append(h)
                }
                continue
            }
            let rest: Holder?
            if let pid = h.pid, let use = owners.byPid[pid] {
                rest = ClaimOwners.remainder(of: h, use: use)
            } else if h.pid == nil, let scope = h.cgroup.flatMap(CgroupUnit.scope(of:)), let use = scopeUse[scope] {
                rest = ClaimOwners.remainder(of: h, use: use)
            } else {
                rest = h
            }
            if let rest {
                listed.append(rest)
                others.append(rest)
            }
        }
        var foreignPages: [PagePoolKey: (count: Int, owners: [String])] = [:]
        for h in foreign {
            for p in h.pages where p.count > 0 {
                let key = PagePoolKey(node: p.node, sizeKB: p.sizeKB)
                foreignPages[key, default: (0, [])].count += p.count
                foreignPages[key, default: (0, [])].owners.append(h.label)
            }
        }
        pools = PoolUse.all(snapshot: snapshot, claimed: claimedPages, confirmed: confirmedPages, foreign: foreignPages)
        var memory: [Int: Int] = [:]
        var memoryOwners: [Int: [String]] = [:]
        var small: [Int: Int] = [:]
        for h in foreign {
            for node in Set(h.memoryMBPerNode.keys).union(h.pages.map(\.node)).sorted() {
                let mb = h.cellMemoryMB(onNode: node)
                guard mb > 0 else { continue }
                // Bounded like a contract usage, so the fitter's sums cannot overflow.
                memory[node] = Swift.min(ContractLimits.maxCount, memory[node, default: 0] + Swift.min(mb, ContractLimits.maxCount))
                small[node] = Swift.min(ContractLimits.maxCount,
                                        small[node, default: 0] + Swift.min(h.smallPageMemoryMB(onNode: node), ContractLimits.maxCount))
                memoryOwners[node, default: []].append(h.label)
            }
        }
        foreignMemoryMB = memory
        foreignSmallPageMB = small
        foreignMemoryOwners = memoryOwners
        var holding = foreign + others
        var cpuHolders: [Int: Holder] = [:]
        for h in holding {
            for cpu in h.cpus where cpuHolders[cpu] == nil { cpuHolders[cpu] = h }
        }
        let outside = pools.filter { $0.outside > 0 }
        if !outside.isEmpty {
            let h = Holder(kind: .kernel, id: "outside", name: "outside",
                           pages: outside.map { HeldPages(node: $0.key.node, sizeKB: $0.key.sizeKB, count: $0.outside) })
            listed.append(h)
            holding.append(h)
        }
        holders = listed
        self.holding = holding
        self.cpuHolders = cpuHolders
        deviceBlockers = Self.blockers(claimsOnly, seen, holders: holding, owners: owners)
        effective = Self.apply(Set(Blocker.allCases), to: claimsOnly, cpuHolders: cpuHolders, pools: pools,
                               memory: foreignMemoryMB, smallPages: foreignSmallPageMB, blockers: deviceBlockers)
    }

    /// The host as fitted with only some kinds of holders' use taken out.
    public func effective(without skipped: Set<Blocker>) -> HostSnapshot {
        Self.apply(Set(Blocker.allCases).subtracting(skipped), to: claimsOnly, cpuHolders: cpuHolders, pools: pools,
                   memory: foreignMemoryMB, smallPages: foreignSmallPageMB, blockers: deviceBlockers)
    }

    private static func apply(_ kinds: Set<Blocker>, to base: HostSnapshot, cpuHolders: [Int: Holder], pools: [PoolUse],
                              memory: [Int: Int], smallPages: [Int: Int], blockers: [String: String]) -> HostSnapshot {
        var host = base
        if kinds.contains(.cpus), !cpuHolders.isEmpty {
            let held = CPUSet(cpuHolders.keys)
            for i in host.cells.indices {
                host.cells[i].pinnedCPUs.formUnion(held.intersection(host.cells[i].pcpus))
            }
        }
        if kinds.contains(.pages) {
            for pool in pools where pool.withheld > 0 {
                guard let ci = host.cells.firstIndex(where: { $0.id == pool.key.node }),
                      let pi = host.cells[ci].mempages.firstIndex(where: { $0.sizeKB == pool.key.sizeKB }) else { continue }
                host.cells[ci].mempages[pi].used += pool.withheld
            }
        }
        if kinds.contains(.memory), !memory.isEmpty {
            for i in host.cells.indices {
                let id = host.cells[i].id
                host.cells[i].memoryUsageMB += memory[id] ?? 0
                guard let mb = smallPages[id], mb > 0,
                      let pi = host.cells[i].mempages.indices.min(by: { host.cells[i].mempages[$0].sizeKB < host.cells[i].mempages[$1].sizeKB }),
                      host.cells[i].mempages[pi].sizeKB > 0 else { continue }
                let size = host.cells[i].mempages[pi].sizeKB
                host.cells[i].mempages[pi].used += (mb * 1024 + size - 1) / size
            }
        }
        if kinds.contains(.devices), !blockers.isEmpty {
            for i in host.pciDevices.indices where blockers[host.pciDevices[i].address] != nil {
                host.pciDevices[i].status = .unavailable
            }
        }
        return host
    }

    /// Devices available after the claims that the host shows in use. A VF
    /// in use leaves its PF unavailable too, and a PF passed through (held
    /// open by a VFIO user, or held by a process) leaves its VFs unavailable
    /// (Nova's PF⇄VF rule). A PF the host merely drives (its netdev up)
    /// leaves its VFs alone: that is the usual SR-IOV setup.
    private static func blockers(_ base: HostSnapshot, _ seen: Observations, holders: [Holder],
                                 owners: ClaimOwners) -> [String: String] {
        var heldBy: [String: Holder] = [:]
        for h in holders {
            for a in h.pciDevices where heldBy[a] == nil { heldBy[a] = h }
        }
        var out: [String: String] = [:]
        guard !seen.devices.isEmpty || !heldBy.isEmpty else { return out }
        for dev in base.pciDevices where dev.status == .available {
            // A domain's or pod's device is named by its owner, not by the
            // QEMU pid that holds its VFIO group open.
            if let h = heldBy[dev.address], h.isForeign {
                out[dev.address] = "held by \(h.label)"
            } else if let use = seen.devices[dev.address],
               let why = DeviceJudgement.blocker(use, device: dev, specConfigured: seen.deviceSpecConfigured, owners: owners) {
                out[dev.address] = why
            } else if let h = heldBy[dev.address] {
                out[dev.address] = h.kind == .host ? "used by the host" : "held by \(h.label)"
            }
        }
        var passedThrough: [String: String] = [:]
        for dev in base.pciDevices where dev.devType == .pf {
            if let h = heldBy[dev.address], h.isForeign {
                passedThrough[dev.address] = "held by \(h.label)"
            } else if let use = seen.devices[dev.address],
               let user = use.vfioUsers.first(where: { !owners.owns(pid: $0.pid, device: dev.address) }) {
                passedThrough[dev.address] = "held open by pid \(user.pid) (\(user.comm))"
            } else if let h = heldBy[dev.address], h.kind != .host {
                passedThrough[dev.address] = "held by \(h.label)"
            }
        }
        guard !out.isEmpty || !passedThrough.isEmpty else { return out }
        var byAddress: [String: PCIDevice] = [:]
        for d in base.pciDevices { byAddress[d.address] = d }
        let direct = out
        for (address, why) in direct.sorted(by: { $0.key < $1.key }) {
            guard let vf = byAddress[address], vf.devType == .vf, let parent = vf.parentAddr,
                  byAddress[parent]?.status == .available, out[parent] == nil else { continue }
            out[parent] = "its VF \(address) is \(why)"
        }
        for dev in base.pciDevices where dev.devType == .vf && dev.status == .available && direct[dev.address] == nil {
            guard let parent = dev.parentAddr, let why = passedThrough[parent] else { continue }
            out[dev.address] = "its PF \(parent) is \(why)"
        }
        return out
    }
}

extension LiveView {
    /// Whether holders of `kind` take anything out of the host.
    public func blocks(_ kind: Blocker) -> Bool {
        switch kind {
        case .cpus: return !cpuHolders.isEmpty
        case .pages: return pools.contains { $0.withheld > 0 }
        case .memory: return !foreignMemoryMB.isEmpty
        case .devices: return !deviceBlockers.isEmpty
        }
    }
}
