import TrackerCore

/// Tiles grouped by cell, then by core with siblings side by side; a
/// 3-column cell label on each cell's first row.
public enum CPUTileLayout {
    public static let labelWidth = 3

    public static func cores(of cell: NUMACell) -> [[Int]] {
        var all = cell.cpus.union(cell.pcpus)
        if let o = cell.offlineCPUs { all.formUnion(o) }
        if let i = cell.isolatedCPUs { all.formUnion(i) }
        for s in cell.siblings { all.formUnion(s) }
        var seen = CPUSet()
        var cores: [[Int]] = []
        for group in cell.siblings {
            let members = group.intersection(all).sorted
            if members.isEmpty { continue }
            cores.append(members)
            seen.formUnion(group)
        }
        for cpu in all.subtracting(seen) { cores.append([cpu]) }
        return cores.sorted { ($0.first ?? 0) < ($1.first ?? 0) }
    }

    /// Tiles in display order for a map `width` columns wide. With
    /// `maxRows`, cells are separated by a blank row when that still fits,
    /// which makes cell boundaries easy to see on big hosts.
    public static func tiles(for snapshot: HostSnapshot, width: Int, maxRows: Int = 0) -> [CPUTile] {
        let packed = layout(snapshot, width: width, gap: false)
        let rows = (packed.last?.row ?? 0) + 1
        if maxRows > 0, rows + snapshot.cells.count - 1 <= maxRows, snapshot.cells.count > 1 {
            return layout(snapshot, width: width, gap: true)
        }
        return packed
    }

    static func layout(_ snapshot: HostSnapshot, width: Int, gap: Bool) -> [CPUTile] {
        var out: [CPUTile] = []
        var row = 0
        let usable = max(4, width - labelWidth)
        for (ci, cell) in snapshot.cells.enumerated() {
            var col = 0
            for core in cores(of: cell) {
                if col > 0 && col + core.count > usable { row += 1; col = 0 }
                for (k, cpu) in core.enumerated() {
                    out.append(CPUTile(cpu: cpu, cellIndex: ci, row: row, col: labelWidth + col + k, core: core))
                }
                col += core.count + 1
            }
            row += gap ? 2 : 1
        }
        return out
    }
}
