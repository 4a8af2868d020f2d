/// The host-level findings about holders, for `check`, `observe` and the
/// claim rows: hugepages and dedicated CPUs used outside restrack, one
/// resource with two owners, and what could not be read. Every message names
/// the owners and the resource and says what an operator can do: restrack
/// never changes another owner's processes, drivers or pages.
enum HolderJudgement {
    static func findings(view: LiveView, claims: [Claim], observations seen: Observations) -> [Finding] {
        var out: [Finding] = []
        for pool in view.pools where pool.outside > 0 {
            out.append(Finding(
                kind: .outsideUse, resource: pool.resource, holders: ["outside"],
                message: "\(pool.outside) of \(pool.total) \(pool.resource) are in use outside restrack (the kernel shows "
                    + "\(pool.free) free and \(pool.surplus) surplus; confirmed claims hold \(pool.confirmed), "
                    + "\(pool.reserved) are reserved for the host"
                    + (pool.foreign > 0 ? ", libvirt and kubelet owners hold \(pool.foreign)" : "")
                    + "): restrack will not promise them; find their user "
                    + "(grep huge /proc/*/numa_maps) and stop it, or reserve them with reserved_huge_pages"))
        }
        var claimOf: [Int: Claim] = [:]
        for c in claims {
            for cpu in c.usage.pinnedCPUs where claimOf[cpu] == nil { claimOf[cpu] = c }
        }
        let dedicated = view.snapshot.cells.reduce(into: CPUSet()) { $0.formUnion($1.pcpus) }
        // One line per set of CPUs, naming its holders: twenty sleeps
        // pinned to CPU 1 are one finding, not twenty.
        var looseOrder: [CPUSet] = []
        var looseHolders: [CPUSet: [Holder]] = [:]
        // Foreign owners' CPUs are theirs, not outside use; their clashes
        // with claims and each other are conflicts (below).
        for h in view.holding where !h.cpus.isEmpty && !h.isForeign {
            let loose = CPUSet(h.cpus.intersection(dedicated).filter { claimOf[$0] == nil })
            guard !loose.isEmpty else { continue }
            if looseHolders[loose] == nil { looseOrder.append(loose) }
            looseHolders[loose, default: []].append(h)
        }
        for loose in looseOrder {
            let holders = looseHolders[loose] ?? []
            let what = cpuWords(loose)
            let names = holders.prefix(3).map(\.label).joined(separator: ", ")
                + (holders.count > 3 ? " and \(holders.count - 3) more" : "")
            let one = holders.count == 1
            out.append(Finding(
                kind: .outsideUse, resource: what, holders: holders.map(\.id),
                message: "dedicated \(what) \(loose.count == 1 ? "is" : "are") pinned by \(names), not by a restrack "
                    + "claim: restrack will not promise \(loose.count == 1 ? "it" : "them"); re-pin or stop "
                    + "\(one ? "that process" : "those processes") (taskset, their cgroup's cpuset), or take "
                    + "\(loose.count == 1 ? "it" : "them") out of cpu_dedicated_set"))
        }
        for h in view.holding where !h.cpus.isEmpty {
            var shared: [String: (claim: Claim, cpus: CPUSet)] = [:]
            for cpu in h.cpus { if let c = claimOf[cpu] { shared[c.id, default: (c, [])].cpus.insert(cpu) } }
            for (_, pair) in shared.sorted(by: { $0.key < $1.key }) {
                let what = cpuWords(pair.cpus)
                out.append(Finding(
                    kind: .conflict, resource: what, holders: [pair.claim.id, h.id],
                    message: "\(what) \(pair.cpus.count == 1 ? "is" : "are") held by \(Holder(claim: pair.claim).label) "
                        + "and also pinned by \(h.label): two owners; \(h.remedy), or release claim "
                        + "\(pair.claim.id) (restrack does not change other owners' processes or state files)"))
            }
        }
        out += deviceConflicts(view: view, claims: claims, devices: seen.devices)
        out += ForeignConflicts.findings(foreign: view.holding.filter(\.isForeign), claims: claims,
                                         snapshot: view.snapshot)
        // What the probes of foreign owners found (stale owners, checksum
        // mismatches, refused files, applied ≠ promised) stands as they said it.
        out += seen.findings
        // Notes carry their own advice: a garbled file is not fixed by
        // running as root. Blind spots make `check` fail (see Finding.blindSpot).
        let blind = Set(seen.blindSpots)
        for what in seen.notVisible {
            out.append(blind.contains(what)
                ? Finding(kind: .notVisible, resource: Finding.blindSpot, holders: [], message: what)
                : Finding(kind: .notVisible, resource: what, holders: [], message: what))
        }
        return out
    }

    /// A claimed device also held open by another process or used by the host.
    private static func deviceConflicts(view: LiveView, claims: [Claim], devices: [String: DeviceUse]) -> [Finding] {
        var heldBy: [String: Holder] = [:]
        for h in view.holding {
            for a in h.pciDevices where heldBy[a] == nil { heldBy[a] = h }
        }
        var out: [Finding] = []
        for c in claims {
            let label = Holder(claim: c).label
            for address in c.usage.pciDevices {
                let other: (holder: String, what: String)?
                if let h = heldBy[address], h.isForeign {
                    other = (h.id, "held by \(h.label)")
                } else if let use = devices[address], let found = DeviceJudgement.conflict(use, owners: view.owners) {
                    other = found
                } else if let h = heldBy[address] {
                    other = (h.id, h.kind == .host ? "used by the host" : "held by \(h.label)")
                } else {
                    other = nil
                }
                guard let other else { continue }
                let remedy = heldBy[address].flatMap { $0.isForeign ? $0.remedy : nil } ?? "stop the other user"
                out.append(Finding(
                    kind: .conflict, resource: "PCI \(address)", holders: [c.id, other.holder],
                    message: "PCI \(address) is held by \(label) but \(other.what): two owners; \(remedy) or "
                        + "release claim \(c.id) (restrack does not unbind drivers, close other processes' files "
                        + "or edit libvirt's or the kubelet's state)"))
            }
        }
        return out
    }

    /// "CPU 7", "CPUs 2-3".
    static func cpuWords(_ cpus: CPUSet) -> String {
        cpus.count == 1 ? "CPU \(cpus.cpulist)" : "CPUs \(cpus.cpulist)"
    }
}
