/// Fits one guest cell onto one host cell, Nova's `_numa_fit_instance_cell`,
/// in its order: page size and memory first, then the counts of dedicated
/// and shared CPUs, then the pinning with the thread policy, then the
/// shared-CPU and memory limits of the allocation ratios.
enum CellFitter {
    /// - Parameter reserved: extra dedicated CPUs for the emulator thread
    ///   (1 for guest cell 0 with `emulator_threads_policy: isolate`).
    /// - Parameter build: false to learn only whether it fits (no pinning).
    static func fit(_ guest: GuestCell, of topology: GuestTopology, on view: HostCellView, reserved: Int,
                    cpuAllocationRatio: Double, ramAllocationRatio: Double,
                    build: Bool = true) -> Result<CellPlacement, CellShortfall> {
        let chosenPage: Int?
        switch memory(guest, topology, view) {
        case .success(let page): chosenPage = page
        case .failure(let f): return .failure(f)
        }
        if let f = cpuCounts(guest, topology, view.cell, reserved: reserved) { return .failure(f) }
        var packing = CorePacking(pinning: [], reserved: [])
        if topology.pinsCPUs {
            switch pinning(guest, topology, view, reserved: reserved, build: build) {
            case .success(let p): packing = p
            case .failure(let f): return .failure(f)
            }
        }
        if topology.hasSharedPart,
           let f = ratioLimits(guest, view.cell, cpuAllocationRatio: cpuAllocationRatio,
                               ramAllocationRatio: ramAllocationRatio) {
            return .failure(f)
        }
        return .success(CellPlacement(
            guestCell: guest.index, hostIndex: view.index, hostCellID: view.cell.id, pinning: packing.pinning,
            pageSizeKB: chosenPage, emulatorCPUs: packing.reserved))
    }

    /// The page size the guest's memory takes (nil when the request names
    /// none), or why the cell's memory cannot hold it.
    private static func memory(_ guest: GuestCell, _ topology: GuestTopology,
                               _ view: HostCellView) -> Result<Int?, CellShortfall> {
        if let request = topology.pageSize {
            return pageSize(request, guest, view).map { Optional($0) }
        }
        let cell = view.cell
        let label = HostCellLabel(id: cell.id)
        let memKB = guest.memoryMB * 1024
        if let small = view.smallestPageSize {
            // Pinned guests may not overcommit memory (free small pages);
            // others only not against themselves (total small pages); the
            // ratio limit comes later (oracle README quirk 6).
            let useFree = topology.pinsCPUs
            let pages = useFree ? (view.freePages[small] ?? 0) : (view.totalPages[small] ?? 0)
            guard memKB <= pages * small, memKB % small == 0 else {
                if memKB % small != 0 {
                    return .failure(CellShortfall(refusal:
                        "\(guest.memoryMB) MiB is not a whole number of \(PageSizeText.short(kb: small)) pages (\(label))",
                        what: "memory in whole pages"))
                }
                let haveMB = Swift.max(0, pages * small / 1024)
                return .failure(CellShortfall(
                    "\(label) has \(haveMB) MiB \(useFree ? "free" : "in total") in \(PageSizeText.short(kb: small)) pages, \(guest.memoryMB) MiB needed\(useFree ? " (pinned guests are not overcommitted)" : "")",
                    have: haveMB, need: guest.memoryMB, what: useFree ? "free memory" : "memory"))
            }
        } else if topology.pinsCPUs {
            let avail = cell.memoryMB - cell.memoryUsageMB
            guard avail >= guest.memoryMB else {
                return .failure(CellShortfall(
                    "\(label) has \(Swift.max(0, avail)) MiB free memory, \(guest.memoryMB) MiB needed (pinned guests are not overcommitted)",
                    have: Swift.max(0, avail), need: guest.memoryMB, what: "free memory"))
            }
        } else {
            guard cell.memoryMB >= guest.memoryMB else {
                return .failure(CellShortfall(
                    "\(label) has \(cell.memoryMB) MiB of memory, \(guest.memoryMB) MiB needed",
                    have: cell.memoryMB, need: guest.memoryMB, what: "memory"))
            }
        }
        return .success(nil)
    }

    /// The page size for `mem_page_size`: the largest candidate whose free
    /// pages hold the guest's memory in whole pages, as Nova tries them.
    private static func pageSize(_ request: PageSizeRequest, _ guest: GuestCell,
                                 _ view: HostCellView) -> Result<Int, CellShortfall> {
        let label = HostCellLabel(id: view.cell.id)
        let memKB = guest.memoryMB * 1024
        let candidates: [Int]
        switch request {
        case .small: candidates = view.smallestPageSize.map { [$0] } ?? []
        case .large: candidates = Array(view.pageSizesDescending.dropLast())
        case .any: candidates = view.pageSizesDescending
        case .kib(let k): candidates = view.freePages[k] == nil ? [] : [k]
        }
        guard !candidates.isEmpty else {
            let what: String
            switch request {
            case .kib(let k): what = "no \(PageSizeText.short(kb: k)) pages"
            case .large: what = "no large pages"
            default: what = "no page information"
            }
            return .failure(CellShortfall(refusal: "\(label) has \(what), needed for mem_page_size \(request)",
                                          what: "pages of the size asked for"))
        }
        if let page = candidates.first(where: { size in
            let free = view.freePages[size] ?? 0
            return memKB <= free * size && memKB % size == 0
        }) {
            return .success(page)
        }
        let size = candidates.max { a, b in
            (view.freePages[a] ?? 0) * a < (view.freePages[b] ?? 0) * b
        } ?? candidates[0]
        let freeMB = Swift.max(0, (view.freePages[size] ?? 0) * size / 1024)
        if memKB % size != 0, memKB <= Swift.max(0, (view.freePages[size] ?? 0)) * size {
            return .failure(CellShortfall(refusal:
                "\(guest.memoryMB) MiB is not a whole number of \(PageSizeText.short(kb: size)) pages (\(label))",
                what: "memory in whole pages"))
        }
        return .failure(CellShortfall(
            "\(label) has \(freeMB) MiB free in \(PageSizeText.short(kb: size)) pages, \(guest.memoryMB) MiB needed",
            have: freeMB, need: guest.memoryMB, what: "free memory in pages of the size asked for"))
    }

    /// Whether the cell has as many dedicated and shared CPUs at all as the
    /// guest cell needs (a guest may not overcommit against itself).
    private static func cpuCounts(_ guest: GuestCell, _ topology: GuestTopology, _ cell: NUMACell,
                                  reserved: Int) -> CellShortfall? {
        let label = HostCellLabel(id: cell.id)
        let pinnedNeed = guest.pinned.count + reserved
        if topology.pinsCPUs, pinnedNeed > cell.pcpus.count {
            return CellShortfall(
                "\(label) has \(Wording.count(cell.pcpus.count, "dedicated CPU")) in all, \(pinnedNeed) needed\(emulatorNote(reserved))",
                have: cell.pcpus.count, need: pinnedNeed, what: "dedicated CPUs")
        }
        if topology.hasSharedPart, guest.sharedCount > cell.cpus.count {
            return CellShortfall(
                "\(label) has \(cell.cpus.count) shared CPUs, \(guest.sharedCount) shared vCPUs needed (a guest may not overcommit against itself)",
                have: cell.cpus.count, need: guest.sharedCount, what: "shared CPUs")
        }
        return nil
    }

    /// The pinned vCPUs (and the emulator CPU) on free dedicated CPUs, with
    /// the thread policy.
    private static func pinning(_ guest: GuestCell, _ topology: GuestTopology, _ view: HostCellView,
                                reserved: Int, build: Bool) -> Result<CorePacking, CellShortfall> {
        let cell = view.cell
        let pinnedNeed = guest.pinned.count + reserved
        let free = view.freePCPUCount
        guard pinnedNeed <= free else {
            let tp = topology.threadPolicy.map { " with thread policy \($0.rawValue)" } ?? ""
            return .failure(CellShortfall(
                "\(HostCellLabel(id: cell.id)) has \(Wording.count(free, "free dedicated CPU")), \(pinnedNeed) needed\(tp)\(emulatorNote(reserved))",
                have: free, need: pinnedNeed, what: "free dedicated CPUs"))
        }
        return CorePacker.pack(guest.pinned, on: view, policy: topology.threadPolicy, reserved: reserved,
                               cellID: cell.id, build: build)
    }

    /// The shared vCPUs and memory against the cell's capacity × the
    /// allocation ratios.
    private static func ratioLimits(_ guest: GuestCell, _ cell: NUMACell, cpuAllocationRatio: Double,
                                    ramAllocationRatio: Double) -> CellShortfall? {
        let label = HostCellLabel(id: cell.id)
        let limit = Double(cell.cpus.count) * cpuAllocationRatio
        if Double(cell.cpuUsage + guest.sharedCount) > limit {
            let room = Swift.max(0, Int(limit.rounded(.down)) - cell.cpuUsage)
            return CellShortfall(
                "\(label) has room for \(room) more shared vCPUs (\(cell.cpuUsage) used of \(cell.cpus.count) CPUs × \(formatRatio(cpuAllocationRatio))), \(guest.sharedCount) needed",
                have: room, need: guest.sharedCount, what: "room for shared vCPUs")
        }
        let memLimit = Double(cell.memoryMB) * ramAllocationRatio
        if Double(cell.memoryUsageMB + guest.memoryMB) > memLimit {
            let room = Swift.max(0, Int(memLimit.rounded(.down)) - cell.memoryUsageMB)
            return CellShortfall(
                "\(label) has room for \(room) MiB more memory (\(cell.memoryUsageMB) MiB used of \(cell.memoryMB) MiB × \(formatRatio(ramAllocationRatio))), \(guest.memoryMB) MiB needed",
                have: room, need: guest.memoryMB, what: "room for memory")
        }
        return nil
    }

    private static func emulatorNote(_ reserved: Int) -> String {
        reserved > 0 ? " (including the isolated emulator thread)" : ""
    }

    /// 4.0 → "4", 1.5 → "1.5".
    static func formatRatio(_ r: Double) -> String {
        r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }
}
