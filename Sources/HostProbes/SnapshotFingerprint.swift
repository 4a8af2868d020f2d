import TrackerCore

/// The few sysfs values that say a kept snapshot still holds for the
/// dashboard's display polls: the online CPU list, each cell's `MemTotal`
/// and each of its hugepage pools' `nr_hugepages`. A CPU offlined, memory
/// hotplugged or pages added or taken changes one of them, so the next
/// display poll loads the snapshot again instead of showing the old totals.
/// The pools' `free` and `surplus` move with the guests and are read too, so
/// a kept snapshot shows them as of this poll.
struct SnapshotFingerprint: Equatable {
    var online: CPUSet
    var memTotalMB: [Int]
    var pageTotals: [Int]
    /// Per cell, per hugepage pool (the snapshot's order): the kernel's free and
    /// surplus counts. Not part of equality: they change without the
    /// snapshot's structure changing.
    var counts: [[PoolCounts]]

    struct PoolCounts: Equatable {
        var free: Int?
        var surplus: Int?
    }

    static let onlineFile = "\(CPUTopologyProbe.cpuDir)/online"

    static func == (a: SnapshotFingerprint, b: SnapshotFingerprint) -> Bool {
        a.online == b.online && a.memTotalMB == b.memTotalMB && a.pageTotals == b.pageTotals
    }

    /// The values a probe built `cells` from, before any reservation: the
    /// probe's own reads, so a change after one of them differs at the next
    /// display poll, and the probe need not read them a second time. A
    /// value the probe could not read (and assumed) differs from every read
    /// of the file, or the read fails, so such a host loads every poll.
    init(probed cells: [NUMACell], online: CPUSet) {
        self.online = online
        memTotalMB = cells.map(\.memoryMB)
        pageTotals = cells.flatMap { $0.mempages.dropFirst().map(\.total) }
        counts = []
    }

    init(online: CPUSet, memTotalMB: [Int], pageTotals: [Int], counts: [[PoolCounts]]) {
        self.online = online
        self.memTotalMB = memTotalMB
        self.pageTotals = pageTotals
        self.counts = counts
    }

    /// The values now for the cells and pool sizes of `snapshot`; nil when
    /// any of them cannot be read (no node directories, a pool from the
    /// global fallback), so such a host loads its snapshot every poll.
    static func read(for snapshot: HostSnapshot, reader: SysfsReader) -> SnapshotFingerprint? {
        guard case .success(let text) = reader.text(onlineFile),
              let online = try? CPUSet(cpulist: text) else { return nil }
        let values = SysfsValues(reader: reader)
        var warnings = ProbeWarnings()
        var print = SnapshotFingerprint(online: online, memTotalMB: [], pageTotals: [], counts: [])
        for cell in snapshot.cells {
            let dir = "\(NUMAProbe.nodeDir)/node\(cell.id)"
            guard case .success(let meminfo) = reader.bytes("\(dir)/meminfo", limit: 64 << 10) else { return nil }
            let parsed = meminfo.withUnsafeBufferPointer { NodeMeminfoParser.parse($0) }
            guard case .memory(let memory) = parsed else { return nil }
            print.memTotalMB.append(memory.totalMB)
            var counts: [PoolCounts] = []
            // The first pool is the small pages (`CellBuilder`), made from
            // MemTotal and the hugepage totals, which are read here; its free
            // count moves every moment and is shown from the utilisation
            // probe's meminfo, not the snapshot.
            for pool in cell.mempages.dropFirst() {
                let sub = "\(dir)/hugepages/hugepages-\(pool.sizeKB)kB"
                guard let total = values.count("\(sub)/nr_hugepages", warnings: &warnings, assumed: "") else { return nil }
                print.pageTotals.append(total)
                counts.append(PoolCounts(free: values.count("\(sub)/free_hugepages", warnings: &warnings, assumed: ""),
                                         surplus: values.count("\(sub)/surplus_hugepages", warnings: &warnings,
                                                               assumed: "")))
            }
            print.counts.append(counts)
        }
        return warnings.sentences.isEmpty ? print : nil
    }

    /// `snapshot` with the pools' free and surplus counts of this read
    /// (the same value, storage and all, when none moved).
    func refreshing(_ snapshot: HostSnapshot) -> HostSnapshot {
        var out = snapshot
        var changed = false
        for (c, cellCounts) in counts.enumerated() where c < out.cells.count {
            for (i, count) in cellCounts.enumerated() where i + 1 < out.cells[c].mempages.count {
                let p = i + 1
                let pool = out.cells[c].mempages[p]
                guard pool.free != count.free || pool.surplus != count.surplus else { continue }
                out.cells[c].mempages[p].free = count.free
                out.cells[c].mempages[p].surplus = count.surplus
                changed = true
            }
        }
        return changed ? out : snapshot
    }
}
