import TrackerCore

/// One block per NUMA cell: dedicated CPUs, shared vCPU load against
/// `cpus × ratio`, memory, then one bar per page size. Hugepages get their
/// own bars and are never folded into the memory bar (htop-dev/htop#447).
public enum CellsPane {
    static let labelWidth = 9

    /// Lines one cell's block takes.
    public static func blockHeight(_ cell: NUMACell, distances: Bool) -> Int {
        4 + cell.mempages.filter { $0.sizeKB > 4 }.count + (distances ? 1 : 0)
    }

    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        let inner = PaneFrame.draw(into: &c, rect: r, title: PaneID.cells.title, focused: m.focus == .cells, glyphs: g)
        guard let host = m.host, !inner.isEmpty else { return }
        let cells = host.effective.cells
        let pciByCell = Dictionary(grouping: host.effective.pciDevices.compactMap(\.numaNode), by: { $0 }).mapValues(\.count)
        // Scroll whole blocks so the selected cell is on screen.
        var first = min(m.cellScroll, max(0, cells.count - 1))
        if m.cellIndex < first { first = m.cellIndex }
        while first < m.cellIndex {
            let h = cells[first...m.cellIndex].reduce(0) { $0 + blockHeight($1, distances: m.showDistances) }
            if h <= inner.height { break }
            first += 1
        }
        var y = inner.y
        // Whether every line of every cell from `first` on was drawn: a block
        // cut by the bottom edge, or blocks never reached, are hidden below.
        var allShown = true
        for i in first..<cells.count {
            let cell = cells[i]
            let h = blockHeight(cell, distances: m.showDistances)
            if y >= inner.maxY { allShown = false; break }
            drawBlock(cell, index: i, host: host, pci: pciByCell[cell.id] ?? 0, selected: m.focus == .cells && i == m.cellIndex,
                      distances: m.showDistances, into: &c, x: inner.x, y: y, width: inner.width, clip: inner, glyphs: g)
            y += h
            if y > inner.maxY { allShown = false }
        }
        if first > 0 || !allShown {
            let sel = min(max(0, m.cellIndex), cells.count - 1)
            // Arrows say which way the hidden cells are (ASCII mode folds them to ^ and v).
            let arrows = (first > 0 ? "↑" : "") + (allShown ? "" : "↓")
            PaneFrame.counter("cell \(sel + 1)/\(cells.count) \(arrows)", into: &c, rect: r)
        }
    }

    static func drawBlock(_ cell: NUMACell, index: Int, host: HostState, pci: Int, selected: Bool, distances: Bool,
                          into c: inout Canvas, x: Int, y: Int, width w: Int, clip: Rect, glyphs g: Glyphs) {
        let all = CPUSet(CPUTileLayout.cores(of: cell).joined())
        let tail = "PCI \(pci)"
        // The cpulist is cut between ranges with "+N more", never inside a
        // range; the socket goes first when even that does not fit.
        let room = max(1, w - tail.count - 2)
        var head = "cell \(cell.id)"
        let socket = cell.socket.map { " · socket \($0)" } ?? ""
        let withSocket = room - head.count - socket.count - 3
        if withSocket >= 16 || CPUListText.phrase(all, width: withSocket) == "CPUs " + all.cpulist {
            head += socket
        }
        let list = CPUListText.phrase(all, width: room - head.count - 3)
        if !list.isEmpty { head += " · " + list }
        let hs = selected ? Style(.selected, bold: true) : Style(.title, bold: true)
        if selected { c.fill(Rect(x: x, y: y, width: w, height: 1), " ", Style(.selected)) }
        c.text(x, y, Canvas.fit(head, max(1, w - tail.count - 2), ascii: c.ascii), hs, clip: clip)
        c.text(x + w - tail.count, y, tail, selected ? Style(.selected) : Style(.dim), clip: clip)

        let pinned = cell.pinnedCPUs.intersectionCount(cell.pcpus)
        let capacity = Int((Double(cell.cpus.count) * host.effective.cpuAllocationRatio).rounded(.down))
        var rows: [(String, Int, Int, Int, String)] = [
            ("pinned", pinned, 0, cell.pcpus.count, "\(pinned)/\(cell.pcpus.count) ded"),
            ("shared", cell.cpuUsage, 0, capacity,
             "\(cell.cpuUsage)/\(capacity) vCPU (\(cell.cpus.count)×\(ratio(host.effective.cpuAllocationRatio)))"),
            ("memory", cell.memoryUsageMB, 0, cell.memoryMB, "\(Fmt.mib(cell.memoryUsageMB))/\(Fmt.mib(cell.memoryMB))"),
        ]
        for p in cell.mempages.filter({ $0.sizeKB > 4 }).sorted(by: { $0.sizeKB < $1.sizeKB }) {
            var t = "\(p.used)/\(p.total)"
            if p.reserved > 0 { t += " r\(p.reserved)" }
            rows.append(("\(PageSizeText.short(kb: p.sizeKB)) pages", p.used, p.reserved, p.total, t))
        }
        for (n, row) in rows.enumerated() {
            let yy = y + 1 + n
            c.text(x + 1, yy, row.0, Style(.label), clip: clip)
            let suffixWidth = min(24, max(row.4.count, 10))
            let barX = x + 1 + labelWidth
            let barW = max(4, w - labelWidth - suffixWidth - 3)
            Bar.draw(into: &c, x: barX, y: yy, width: barW, used: row.1, reserved: row.2, total: row.3, glyphs: g, clip: clip)
            c.text(barX + barW + 1, yy, Canvas.fit(row.4, w - (barX + barW + 1 - x), ascii: c.ascii), Style(.value), clip: clip)
        }
        if distances {
            let yy = y + 1 + rows.count
            let d = (cell.distances ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
            c.text(x + 1, yy, "dist", Style(.label), clip: clip)
            c.text(x + 1 + labelWidth, yy, d.isEmpty ? "not reported by this host" : d.joined(separator: " "), Style(.dim),
                   maxWidth: w - labelWidth - 1, clip: clip)
        }
    }

    static func ratio(_ r: Double) -> String {
        r == r.rounded() ? "\(Int(r))" : Fmt.oneDecimal(r)
    }
}
