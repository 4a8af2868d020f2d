import TrackerCore

/// A deliberately small placement for demo runs while `Fitter.fit` is a
/// stub: one guest cell, dedicated or shared CPUs, one page size, PCI by
/// alias or ids with cell preference. It follows the contract's capacity
/// rules but not all of Nova's policies; the real fitter replaces it as soon
/// as it is merged (see `DashboardCommand`).
public enum SimpleFitter {
    public static func fit(_ r: Request, on host: HostSnapshot) -> Decision {
        guard r.vcpus > 0 else { return .noFit("invalid request: vcpus must be at least 1") }
        if (r.numaNodes ?? 1) > 1 { return .noFit("the preview fitter places one guest cell; merge the real fitter for numa_nodes > 1") }
        let policy = r.cpuPolicy ?? .shared
        if policy == .mixed { return .noFit("the preview fitter does not place mixed CPU policy yet") }
        let pci: [String]
        switch pickPCI(r, host: host, cell: nil) {
        case .failure(let why): return .noFit(why.reason)
        case .success(let devs): pci = devs
        }
        if policy == .shared && r.numaNodes == nil && r.memPageSize == nil {
            let cpus = host.cells.reduce(0) { $0 + $1.cpus.count }
            let usage = host.cells.reduce(0) { $0 + $1.cpuUsage }
            let mem = host.cells.reduce(0) { $0 + $1.memoryMB }
            let memUsed = host.cells.reduce(0) { $0 + $1.memoryUsageMB }
            guard Double(usage + r.vcpus) <= Double(cpus) * host.cpuAllocationRatio, r.vcpus <= cpus else {
                return .noFit("not enough shared CPUs: \(usage) of \(cpus)×\(host.cpuAllocationRatio) vCPUs in use, \(r.vcpus) more asked")
            }
            guard Double(memUsed + r.memoryMB) <= Double(mem) * host.ramAllocationRatio else {
                return .noFit("not enough memory: \(memUsed) of \(mem) MiB in use, \(r.memoryMB) more asked")
            }
            return Decision(fits: true, pciDevices: pci)
        }
        var reasons: [String] = []
        for cell in host.cells {
            switch place(r, policy: policy, on: cell, host: host) {
            case .failure(let why): reasons.append("cell \(cell.id): \(why.reason)")
            case .success(var dc):
                guard case .success(let devs) = pickPCI(r, host: host, cell: cell.id) else {
                    reasons.append("cell \(cell.id): PCI devices not local")
                    continue
                }
                dc.guestCell = 0
                return Decision(fits: true, cells: [dc], pciDevices: devs)
            }
        }
        return .noFit("no host cell fits: " + reasons.joined(separator: "; "))
    }

    static func place(_ r: Request, policy: CPUPolicy, on cell: NUMACell, host: HostSnapshot) -> Result<DecisionCell, PlaceError> {
        var pageSize: Int?
        if let req = r.memPageSize {
            let pools = cell.mempages.sorted { $0.sizeKB > $1.sizeKB }
            func enough(_ p: PagePool) -> Bool { p.available * p.sizeKB >= r.memoryMB * 1024 }
            let choice: PagePool?
            switch req {
            case .small: choice = pools.last.flatMap { enough($0) ? $0 : nil }
            case .large: choice = pools.dropLast().first(where: enough)
            case .any: choice = pools.first(where: enough)
            case .kib(let k): choice = pools.first { $0.sizeKB == k && enough($0) }
            }
            guard let pool = choice else { return .failure(PlaceError("no \(req) pages free for \(r.memoryMB) MiB")) }
            pageSize = pool.sizeKB
        } else {
            guard Double(cell.memoryUsageMB + r.memoryMB) <= Double(cell.memoryMB) * host.ramAllocationRatio else {
                return .failure(PlaceError("\(cell.memoryMB - cell.memoryUsageMB) MiB free, \(r.memoryMB) asked"))
            }
        }
        let vcpus = Array(0..<r.vcpus)
        if policy == .shared {
            guard Double(cell.cpuUsage + r.vcpus) <= Double(cell.cpus.count) * host.cpuAllocationRatio else {
                return .failure(PlaceError("shared CPUs full"))
            }
            return .success(DecisionCell(guestCell: 0, hostCell: cell.id, vcpus: vcpus, memoryMB: r.memoryMB,
                                         pagesizeKB: pageSize))
        }
        let free = cell.freePCPUs
        var cores: [[Int]] = cell.siblings.map { $0.intersection(cell.pcpus).sorted }.filter { !$0.isEmpty }
        let grouped = cell.siblings.reduce(CPUSet()) { $0.union($1) }
        cores += cell.pcpus.subtracting(grouped).sorted.map { [$0] }
        var chosen: [Int] = []
        switch r.cpuThreadPolicy ?? .prefer {
        case .prefer:
            // Fill whole free cores first so siblings stay together.
            let freeCores: [[Int]] = cores.map { core in core.filter { free.contains($0) } }.filter { !$0.isEmpty }
            let byFree = freeCores.sorted { (a: [Int], b: [Int]) -> Bool in
                a.count != b.count ? a.count > b.count : a[0] < b[0]
            }
            for c in byFree { chosen += c }
        case .isolate:
            for c in cores where c.allSatisfy({ free.contains($0) }) { chosen.append(c[0]) }
        case .require:
            for c in cores where c.count > 1 && c.allSatisfy({ free.contains($0) }) { chosen += c }
        }
        guard chosen.count >= r.vcpus else {
            return .failure(PlaceError("\(free.count) free dedicated CPUs, \(r.vcpus) asked (\(r.cpuThreadPolicy ?? .prefer))"))
        }
        var pinning: [Int: Int] = [:]
        for (v, cpu) in zip(vcpus, chosen) { pinning[v] = cpu }
        return .success(DecisionCell(guestCell: 0, hostCell: cell.id, vcpus: vcpus, memoryMB: r.memoryMB,
                                     pinning: pinning, pagesizeKB: pageSize))
    }

    static func pickPCI(_ r: Request, host: HostSnapshot, cell: Int?) -> Result<[String], PlaceError> {
        var taken = Set<String>()
        var out: [String] = []
        for spec in r.pciRequests {
            var vendor = spec.vendorID, product = spec.productID, type = spec.deviceType
            var policy = spec.numaPolicy
            if let a = spec.alias {
                guard let alias = host.pciAliases.first(where: { $0.name == a }) else {
                    return .failure(PlaceError("invalid request: PCI alias '\(a)' is not defined"))
                }
                vendor = alias.vendorID; product = alias.productID; type = alias.deviceType
                policy = policy ?? alias.numaPolicy
            }
            let candidates = host.pciDevices.filter { d in
                d.status == .available && !taken.contains(d.address)
                    && (vendor == nil || d.vendorID == vendor) && (product == nil || d.productID == product)
                    && (type == nil || d.devType == type)
            }
            let ordered: [PCIDevice]
            if let cell {
                let local = candidates.filter { $0.numaNode == cell }
                ordered = policy == .required || policy == .legacy ? local : local + candidates.filter { $0.numaNode != cell }
            } else {
                ordered = candidates
            }
            guard ordered.count >= spec.count else {
                let name = spec.alias ?? "\(vendor ?? "*"):\(product ?? "*")"
                return .failure(PlaceError("\(ordered.count) free \(name) devices, \(spec.count) asked"))
            }
            for d in ordered.prefix(spec.count) { taken.insert(d.address); out.append(d.address) }
        }
        return .success(out)
    }

    struct PlaceError: Error {
        var reason: String
        init(_ r: String) { reason = r }
    }
}

