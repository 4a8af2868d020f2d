/// The holders the probes reported, made one list: the same id from two
/// probes (a `pid:N` pinned to CPUs by the task scan and holding a VFIO
/// group by the device probe) is one holder with both resources, and
/// devices whose use names a process or the host get that holder even when
/// the probe listed only the device.
enum HolderMerge {
    static func merged(_ holders: [Holder], devices: [String: DeviceUse]) -> [Holder] {
        var order: [String] = []
        var byID: [String: Holder] = [:]
        func add(_ h: Holder) {
            guard let kept = byID[h.id] else {
                order.append(h.id)
                byID[h.id] = h
                return
            }
            byID[h.id] = fold(kept, h)
        }
        for h in holders { add(h) }
        for (address, use) in devices.sorted(by: { $0.key < $1.key }) {
            for user in use.vfioUsers {
                add(Holder(kind: .kernel, id: "pid:\(user.pid)", name: user.comm, pid: user.pid, comm: user.comm,
                           pciDevices: [address]))
            }
            if use.hostReason != nil || (use.netdevUp && !use.isPassthroughDriver) {
                add(Holder(kind: .host, id: "host:\(address)", name: "host", pciDevices: [address]))
            }
        }
        return order.compactMap { byID[$0] }
    }

    /// `a` with what `b` adds: CPUs and devices united, pages and memory by
    /// the larger count per node and size (two probes seeing the same pages
    /// must not double them), names kept from the first that has one.
    static func fold(_ a: Holder, _ b: Holder) -> Holder {
        var h = a
        h.pid = a.pid ?? b.pid
        h.comm = a.comm ?? b.comm
        h.cgroup = a.cgroup ?? b.cgroup
        if h.name.isEmpty { h.name = b.name }
        h.cpus.formUnion(b.cpus)
        var pages: [PagePoolKey: Int] = [:]
        for p in a.pages + b.pages {
            let key = PagePoolKey(node: p.node, sizeKB: p.sizeKB)
            pages[key] = Swift.max(pages[key] ?? 0, p.count)
        }
        h.pages = pages.keys.sorted().map { HeldPages(node: $0.node, sizeKB: $0.sizeKB, count: pages[$0] ?? 0) }
        var seen = Set(a.pciDevices)
        for d in b.pciDevices where seen.insert(d).inserted { h.pciDevices.append(d) }
        h.memoryMBPerNode.merge(b.memoryMBPerNode) { Swift.max($0, $1) }
        return h
    }
}
