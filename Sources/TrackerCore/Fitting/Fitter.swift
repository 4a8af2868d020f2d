/// Decides where a request lands on a host (Nova's
/// `numa_fit_instance_to_host` plus `PciDeviceStats`). Pure: no I/O.
///
/// The steps follow Nova and the contract: the request's rules
/// (`numa_get_constraints`, PCI aliases), the host-wide Placement totals,
/// then either a floating guest (no NUMA topology: only PCI devices are
/// chosen) or one host cell per guest cell with pinning, page size,
/// emulator CPU and PCI devices affine to the chosen cells.
public enum Fitter {
    /// The decision for `request` on `host`. Never throws: an invalid request
    /// is a no-fit whose reason starts with "invalid request:". Its work is
    /// bounded by the host's size whatever numbers the request holds
    /// (`RequestSizeGate` comes first), which is what lets `Ledger.claim`
    /// call it inside its write transaction.
    public static func fit(_ request: Request, on host: HostSnapshot) -> Decision {
        if let why = RequestSizeGate.check(request, on: host) { return .noFit(why) }
        let topology: GuestTopology?
        let pciRequests: [ResolvedPCIRequest]
        do {
            topology = try GuestTopology.make(from: request)
            pciRequests = try ResolvedPCIRequest.resolve(request.pciRequests, aliases: host.pciAliases)
        } catch {
            return .noFit(error.description)
        }
        if let why = PlacementGate.check(host: host, request: request, topology: topology) {
            return .noFit(why)
        }
        let pools = PCIPools(host: host, requests: pciRequests)

        guard let topology else {
            // Floating guest: PCI NUMA policies have no cell to apply to.
            guard let devices = pools.assign(cells: nil) else {
                return .noFit(pools.shortfall(cells: nil, cellNames: "the host"))
            }
            return Decision(fits: true, cells: [], emulatorCPUs: [], pciDevices: devices)
        }
        if !pools.isEmpty, !pools.feasible(cells: nil) {
            return .noFit(pools.shortfall(cells: nil, cellNames: "the host"))
        }
        let guestCount = topology.cells.count
        let hostCount = host.cells.count
        guard guestCount <= hostCount else {
            return .noFit("the guest needs \(guestCount) NUMA cells, the host has \(hostCount)")
        }
        guard hostCount <= 64 else {
            return .noFit("hosts with more than 64 NUMA cells are not supported (this one has \(hostCount))")
        }

        let views = host.cells.enumerated().map { HostCellView(index: $0.offset, cell: $0.element) }
        var results: [[Result<CellPlacement, CellShortfall>]] = []
        var fits = [UInt64](repeating: 0, count: guestCount)
        for g in topology.cells {
            let reserved = topology.emulatorIsolate && g.index == 0 ? 1 : 0
            var row: [Result<CellPlacement, CellShortfall>] = []
            for v in views {
                let r = CellFitter.fit(g, of: topology, on: v, reserved: reserved,
                                       cpuAllocationRatio: host.cpuAllocationRatio,
                                       ramAllocationRatio: host.ramAllocationRatio, build: false)
                if case .success = r { fits[g.index] |= UInt64(1) << UInt64(v.index) }
                row.append(r)
            }
            results.append(row)
        }
        let order = HostCellOrder.order(host: host, views: views, topology: topology, wantsPCI: !pools.isEmpty)
        var assigner = CellAssigner(fits: fits, order: order, pci: pools.isEmpty ? nil : pools)
        guard let chosen = assigner.solve() else {
            return .noFit(reason(topology: topology, host: host, results: results, fits: fits, order: order,
                                 assigner: assigner, pools: pools))
        }

        var cells: [DecisionCell] = []
        var emulator: [Int] = []
        var used: UInt64 = 0
        for g in topology.cells {
            let h = chosen[g.index]
            used |= UInt64(1) << UInt64(h)
            // Now the pinning, for the chosen pair only.
            let reserved = topology.emulatorIsolate && g.index == 0 ? 1 : 0
            guard case .success(let p) = CellFitter.fit(g, of: topology, on: views[h], reserved: reserved,
                                                        cpuAllocationRatio: host.cpuAllocationRatio,
                                                        ramAllocationRatio: host.ramAllocationRatio) else {
                // The assigner only picks pairs that fit.
                return .noFit("internal error: guest cell \(g.index) was placed on a host cell it does not fit")
            }
            var pins: [Int: Int] = [:]
            for (v, c) in p.pinning { pins[v] = c }
            cells.append(DecisionCell(
                guestCell: g.index, hostCell: p.hostCellID, vcpus: g.vcpus, memoryMB: g.memoryMB, pinning: pins,
                pagesizeKB: topology.pageSize == nil ? nil : p.pageSizeKB))
            emulator.append(contentsOf: p.emulatorCPUs)
        }
        var devices: [String] = []
        if !pools.isEmpty {
            guard let d = pools.assign(cells: used) else {
                return .noFit("internal error: the PCI devices chosen for the cells do not fit")
            }
            devices = d
        }
        return Decision(fits: true, cells: cells, emulatorCPUs: emulator.sorted(), pciDevices: devices)
    }

    /// One sentence naming the tightest resource and cell.
    private static func reason(topology: GuestTopology, host: HostSnapshot,
                               results: [[Result<CellPlacement, CellShortfall>]], fits: [UInt64], order: [Int],
                               assigner: CellAssigner, pools: PCIPools) -> String {
        // A guest cell that fits no host cell: its closest miss.
        for g in topology.cells where fits[g.index] == 0 {
            var best: CellShortfall?
            // What each host cell lacks, in the order first met, so a refusal
            // says what fails everywhere before it names the closest cell.
            var lacking: [(what: String, cells: [Int])] = []
            for h in order {
                guard case .failure(let f) = results[g.index][h] else { continue }
                if best.map({ f.closeness > $0.closeness }) ?? true { best = f }
                if let k = lacking.firstIndex(where: { $0.what == f.what }) {
                    lacking[k].cells.append(host.cells[h].id)
                } else {
                    lacking.append((f.what, [host.cells[h].id]))
                }
            }
            let who = topology.cells.count == 1 ? "the guest" : "guest cell \(g.index)"
            let closest = best?.sentence ?? "no host cell"
            guard host.cells.count > 1 else {
                return "\(who) (\(describe(g, topology))) fits no host cell: \(closest)"
            }
            let everywhere: String
            if lacking.count == 1 {
                everywhere = "none of the \(host.cells.count) host cells has enough \(lacking[0].what)"
            } else {
                everywhere = "every host cell falls short (" + lacking.map { entry in
                    let ids = entry.cells.sorted().map(String.init).joined(separator: ", ")
                    return "\(entry.what): host cell\(entry.cells.count == 1 ? "" : "s") \(ids)"
                }.joined(separator: "; ") + ")"
            }
            return "\(who) (\(describe(g, topology))) fits no host cell: \(everywhere); closest: \(closest)"
        }
        if !assigner.cpuAssignmentExists() {
            // Name a crowd: guest cells that all fit only within fewer host
            // cells than they are (Hall's condition), when one guest cell's
            // choices show it.
            for g in topology.cells {
                let within = topology.cells.filter { fits[$0.index] & ~fits[g.index] == 0 }
                if within.count > fits[g.index].nonzeroBitCount {
                    let names = within.map { String($0.index) }.joined(separator: ", ")
                    let n = fits[g.index].nonzeroBitCount
                    return "guest cells \(names) fit only host cell\(n == 1 ? "" : "s") \(cellIDs(fits[g.index], host)): \(within.count) guest cells for \(Wording.count(n, "host cell"))"
                }
            }
            let lists = topology.cells.map { g in
                "guest cell \(g.index) fits host cells \(cellIDs(fits[g.index], host))"
            }
            return "no assignment of distinct host cells holds all \(topology.cells.count) guest cells (\(lists.joined(separator: "; ")))"
        }
        let reachable = fits.reduce(0, |)
        let why = pools.shortfall(reachable: reachable, guestCells: topology.cells.count,
                                  cellNames: "host cells \(cellIDs(reachable, host))")
        return "the guest's cells fit the host's CPUs and memory, but \(why)"
    }

    private static func cellIDs(_ mask: UInt64, _ host: HostSnapshot) -> String {
        host.cells.indices.filter { mask & (UInt64(1) << UInt64($0)) != 0 }.map { String(host.cells[$0].id) }
            .joined(separator: ", ")
    }

    private static func describe(_ g: GuestCell, _ t: GuestTopology) -> String {
        var parts: [String] = []
        if !g.pinned.isEmpty { parts.append("\(g.pinned.count) dedicated") }
        if g.sharedCount > 0 { parts.append("\(g.sharedCount) shared") }
        let total = g.pinned.count + g.sharedCount
        var s = (parts.isEmpty ? "0" : parts.joined(separator: " + ")) + (total == 1 ? " vCPU" : " vCPUs") + ", \(g.memoryMB) MiB"
        if let p = t.pageSize { s += ", \(p) pages" }
        if let tp = t.threadPolicy { s += ", thread policy \(tp.rawValue)" }
        return s
    }
}
