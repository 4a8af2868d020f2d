/// A fit against a host others use too: the request goes onto
/// `LiveView.effective`, and when it does not fit there but would with some
/// holders' use put back, the reason names those holders first ("CPU 7 is
/// pinned by pid 4121 (qemu-kvm), not by a restrack claim; …"). A host with
/// no holders is fitted exactly as `Fitter.fit` fits it (Nova's semantics).
public enum LiveFit {
    public static func fit(_ request: Request, view: LiveView,
                           fitter: (Request, HostSnapshot) -> Decision = { Fitter.fit($0, on: $1) }) -> Decision {
        let decision = fitter(request, view.effective)
        guard !decision.fits else { return decision }
        var names: [String] = []
        // One kind of holder at a time: with its use put back, does it fit?
        for kind in LiveView.Blocker.allCases where view.blocks(kind) {
            let freed = fitter(request, view.effective(without: [kind]))
            if freed.fits { names += explain(kind, freed, request, view) }
        }
        if names.isEmpty {
            let freed = fitter(request, view.claimsOnly)
            if freed.fits {
                for kind in LiveView.Blocker.allCases where view.blocks(kind) { names += explain(kind, freed, request, view) }
            }
        }
        guard !names.isEmpty else { return decision }
        return .noFit(names.joined(separator: "; ") + "; " + (decision.reason ?? "does not fit"))
    }

    /// The holders of `kind` whose resources `freed` (the fit with them put
    /// back) would have used.
    static func explain(_ kind: LiveView.Blocker, _ freed: Decision, _ request: Request, _ view: LiveView) -> [String] {
        let usage = Tracker.usage(of: freed, for: request, on: view.snapshot)
        switch kind {
        case .cpus:
            var byHolder: [String: (holder: Holder, cpus: CPUSet)] = [:]
            for cpu in usage.pinnedCPUs {
                guard let h = view.cpuHolders[cpu] else { continue }
                byHolder[h.id, default: (h, [])].cpus.insert(cpu)
            }
            let groups = byHolder.values.sorted { (a: (holder: Holder, cpus: CPUSet), b: (holder: Holder, cpus: CPUSet)) in
                (a.cpus.min() ?? 0) < (b.cpus.min() ?? 0)
            }
            return capped(groups.map { group in
                let verb = group.cpus.count == 1 ? "is" : "are"
                return "\(HolderJudgement.cpuWords(group.cpus)) \(verb) pinned by \(SafeText.strip(group.holder.label)), not by a restrack claim"
            })
        case .pages:
            var keys = Set<PagePoolKey>()
            for cell in usage.cells where cell.pages > 0 {
                if let size = cell.pageSizeKB { keys.insert(PagePoolKey(node: cell.hostCell, sizeKB: size)) }
            }
            return view.pools.filter { keys.contains($0.key) && $0.withheld > 0 }.map { pool in
                let outside = pool.outside > 0 ? "\(pool.outside) of \(pool.total) \(pool.resource) are in use outside restrack" : nil
                let surplus = pool.surplus > 0
                    ? "\(pool.surplus) \(pool.resource) are surplus pages, not part of the persistent pool" : nil
                let owners = pool.foreignOwners.prefix(3).map(SafeText.strip).joined(separator: ", ")
                    + (pool.foreignOwners.count > 3 ? " and \(pool.foreignOwners.count - 3) more" : "")
                let foreign = pool.foreign > 0 ? "\(pool.foreign) \(pool.resource) are held by \(owners)" : nil
                return [foreign, outside, surplus].compactMap { $0 }.joined(separator: "; ")
            }
        case .memory:
            let nodes = Set(usage.cells.filter { $0.memoryMB > 0 }.map(\.hostCell))
            return nodes.sorted().compactMap { node in
                guard let mb = view.foreignMemoryMB[node], mb > 0 else { return nil }
                let all = view.foreignMemoryOwners[node] ?? []
                let owners = all.prefix(3).map(SafeText.strip).joined(separator: ", ")
                    + (all.count > 3 ? " and \(all.count - 3) more" : "")
                let small = view.foreignSmallPageMB[node] ?? 0
                let part = small > 0 && small != mb ? " (\(small) MiB of it in small pages)" : ""
                return "\(mb) MiB of node \(node)'s memory\(part) is given to \(owners)"
            }
        case .devices:
            var hostOwned = Set<String>()
            for h in view.holders where h.kind == .host { hostOwned.formUnion(h.pciDevices) }
            return capped(freed.pciDevices.sorted().compactMap { address in
                guard let why = view.deviceBlockers[address] else { return nil }
                let text = SafeText.strip(why)
                return hostOwned.contains(address) ? "PCI \(address) is held by the host (\(text))" : "PCI \(address) is \(text)"
            })
        }
    }

    /// At most three, then how many more.
    private static func capped(_ lines: [String]) -> [String] {
        lines.count <= 3 ? lines : Array(lines.prefix(3)) + ["and \(lines.count - 3) more"]
    }
}
