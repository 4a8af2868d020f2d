import TrackerCore

/// `restrack observe --json`. The names of `cpus` (`id`, `cell`,
/// `busy_pct`), `cells` (`id`, `memory_total_mb`, `memory_used_mb`, `pages`:
/// `size_kb`, `total`, `free`, `surplus`, `claimed`, `outside`), `holders`
/// and `findings` are a contract with scripts and monitoring: keep them.
/// The other keys are documented in the README.
struct ObserveView: Encodable {
    struct CPU: Encodable {
        var id: Int
        var cell: Int
        /// nil when the load was not sampled (the CPU was offline, or the
        /// probe could not read `/proc/stat`).
        @EncodesNull var busyPct: Double?
        var dedicated: Bool
        /// Claim id or holder id pinning it; nil when free or shared.
        @EncodesNull var heldBy: String?

        enum CodingKeys: String, CodingKey {
            case id, cell, busyPct = "busy_pct", dedicated, heldBy = "held_by"
        }
    }

    struct Pages: Encodable {
        var sizeKB: Int
        var total: Int
        /// The kernel's counts; nil when the snapshot has none (a `--host` file).
        @EncodesNull var free: Int?
        @EncodesNull var surplus: Int?
        var reserved: Int
        var claimed: Int
        /// Pages libvirt domains and kubelet pods hold here: in use, but
        /// neither a claim's nor outside use.
        var foreign: Int
        var outside: Int

        enum CodingKeys: String, CodingKey {
            case sizeKB = "size_kb", total, free, surplus, reserved, claimed, foreign, outside
        }
    }

    struct Cell: Encodable {
        var id: Int
        var memoryTotalMB: Int
        /// nil when the kernel's free memory is unknown.
        @EncodesNull var memoryUsedMB: Int?
        /// Mean busy % of the cell's sampled CPUs; nil when none was
        /// sampled. Every CPU counts ticks over the same interval, so the
        /// mean is the cell's share of busy time.
        @EncodesNull var busyPct: Double?
        var pages: [Pages]

        enum CodingKeys: String, CodingKey {
            case id, memoryTotalMB = "memory_total_mb", memoryUsedMB = "memory_used_mb", busyPct = "busy_pct", pages
        }
    }

    var hostname: String
    @EncodesNull var hostBusyPct: Double?
    var intervalSeconds: Double
    var cpus: [CPU]
    var cells: [Cell]
    var holders: [Holder]
    var findings: [Finding]

    enum CodingKeys: String, CodingKey {
        case hostname, hostBusyPct = "host_busy_pct", intervalSeconds = "interval_s", cpus, cells, holders, findings
    }

    /// The view of `state`, sampled over `interval` seconds.
    init(state: HostState, interval: Double) {
        let host = state.snapshot
        let load = state.utilisation
        hostname = host.hostname
        hostBusyPct = load?.hostBusyPct
        intervalSeconds = interval
        var cpus: [CPU] = []
        for cell in host.cells {
            for id in cell.cpus.union(cell.pcpus) {
                let held = state.cpuOwners[id] ?? state.cpuHolders[id]?.id
                cpus.append(CPU(id: id, cell: cell.id, busyPct: load?.cpuBusyPct[id], dedicated: cell.pcpus.contains(id),
                                heldBy: held))
            }
        }
        self.cpus = cpus.sorted { $0.id < $1.id }
        let claimed = state.promisedPages
        let outside = state.outsidePages
        let foreign = state.foreignPages
        cells = host.cells.map { cell in
            let smallest = cell.mempages.map(\.sizeKB).min()
            let memory = CellMemory(cell: cell, utilisation: load)
            let pages = cell.mempages.filter { $0.sizeKB != smallest }.map { pool in
                let key = PagePoolKey(node: cell.id, sizeKB: pool.sizeKB)
                return Pages(sizeKB: pool.sizeKB, total: pool.total, free: pool.free, surplus: pool.surplus,
                             reserved: pool.reserved, claimed: claimed[key] ?? 0, foreign: foreign[key] ?? 0,
                             outside: outside[key] ?? 0)
            }
            let sampled = cell.cpus.union(cell.pcpus).compactMap { load?.cpuBusyPct[$0] }
            return Cell(id: cell.id, memoryTotalMB: memory.totalMB, memoryUsedMB: memory.usedMB,
                        busyPct: sampled.isEmpty ? nil : sampled.reduce(0, +) / Double(sampled.count),
                        pages: pages)
        }
        holders = state.holders
        findings = state.findings
    }
}
