import TrackerCore

/// One block per NUMA cell: dedicated CPUs, shared vCPU load against
/// `cpus × ratio`, memory, then one bar per page size. Hugepages get their
/// own bars and are never folded into the memory bar (htop-dev/htop#447).
/// Where the kernel was read, promised and real sit side by side: memory
/// promised by claims above memory the kernel shows used, and each page
/// size split into pages of claims, pages used outside them, reserved
/// pages and what the kernel shows free, with the counts on a line below.
public enum CellsPane {
    static let labelWidth = 9

    /// Lines one cell's block takes.
    public static func blockHeight(_ cell: NUMACell, host: HostState, distances: Bool) -> Int {
        rows(cell, host: host).count + 1 + (distances ? 1 : 0)
    }

    /// One line of a cell's block under its heading.
    struct Row {
        enum Meter { case classic(used: Int, reserved: Int), parts([Bar.Part]), counts }
        var label: String
        var bar: Meter
        var total: Int
        var text: String
    }

    static func rows(_ cell: NUMACell, host: HostState, glyphs g: Glyphs = .unicode) -> [Row] {
        let ded = cell.pcpus
        let held = LiveFigures.heldOutside(host).intersection(ded)
        let pinnedSet = cell.pinnedCPUs.intersection(ded).union(held)
        let capacity = Int((Double(cell.cpus.count) * host.effective.cpuAllocationRatio).rounded(.down))
        var out: [Row] = []
        if held.isEmpty {
            out.append(Row(label: "pinned", bar: .classic(used: pinnedSet.count, reserved: 0), total: ded.count,
                           text: "\(pinnedSet.count)/\(ded.count) ded"))
        } else {
            let byClaims = pinnedSet.count - held.count
            out.append(Row(label: "pinned", bar: .parts([Bar.Part(byClaims, g.barUsed, .pinned), Bar.Part(held.count, g.barOutside, .warn)]),
                           total: ded.count, text: "\(pinnedSet.count)/\(ded.count) ded, \(held.count) held"))
        }
        out.append(Row(label: "shared", bar: .classic(used: cell.cpuUsage, reserved: 0), total: capacity,
                       text: "\(cell.cpuUsage)/\(capacity) vCPU (\(cell.cpus.count)×\(ratio(host.effective.cpuAllocationRatio)))"))
        let promised = "\(Fmt.mib(cell.memoryUsageMB))/\(Fmt.mib(cell.memoryMB))"
        if let k = host.utilisation?.nodeMemory[cell.id] {
            out.append(Row(label: "promised", bar: .classic(used: cell.memoryUsageMB, reserved: 0), total: cell.memoryMB, text: promised))
            out.append(Row(label: "mem used", bar: .classic(used: k.usedMB, reserved: 0), total: k.totalMB,
                           text: "\(Fmt.mib(k.usedMB))/\(Fmt.mib(k.totalMB))"))
        } else {
            out.append(Row(label: "memory", bar: .classic(used: cell.memoryUsageMB, reserved: 0), total: cell.memoryMB, text: promised))
        }
        for p in cell.mempages.filter({ $0.sizeKB > 4 }).sorted(by: { $0.sizeKB < $1.sizeKB }) {
            let label = "\(PageSizeText.short(kb: p.sizeKB)) pages"
            guard let free = LiveFigures.pagesFree(host, node: cell.id, sizeKB: p.sizeKB) else {
                var t = "\(p.used)/\(p.total)"
                if p.reserved > 0 { t += " r\(p.reserved)" }
                out.append(Row(label: label, bar: .classic(used: p.used, reserved: p.reserved), total: p.total, text: t))
                continue
            }
            let claimed = LiveFigures.pagesClaimed(host, node: cell.id, sizeKB: p.sizeKB)
            let outside = LiveFigures.pagesOutside(host, node: cell.id, sizeKB: p.sizeKB)
            let foreign = LiveFigures.pagesForeign(host, node: cell.id, sizeKB: p.sizeKB)
            out.append(Row(label: label, bar: .parts([Bar.Part(claimed, g.barUsed, .pinned), Bar.Part(foreign, g.tileHeld, .used),
                                                      Bar.Part(outside, g.barOutside, .warn),
                                                      Bar.Part(p.reserved, g.barReserved, .barReserved)]),
                           total: p.total, text: "free \(free)/\(p.total)"))
            var counts = "\(g.barUsed) \(claimed) claims"
            // Domains' and pods' pages are theirs, not outside use.
            if foreign > 0 { counts += " · \(g.tileHeld) \(foreign) VMs/pods" }
            counts += " · \(g.barOutside) \(outside) outside"
            if p.reserved > 0 { counts += " · \(g.barReserved) \(p.reserved) reserved" }
            out.append(Row(label: "", bar: .counts, total: p.total, text: counts))
        }
        return out
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
            let h = cells[first...m.cellIndex].reduce(0) { $0 + blockHeight($1, host: host, distances: m.showDistances) }
            if h <= inner.height { break }
            first += 1
        }
        var y = inner.y
        // Whether every line of every cell from `first` on was drawn: a block
        // cut by the bottom edge, or blocks never reached, are hidden below.
        var allShown = true
        for i in first..<cells.count {
            let cell = cells[i]
            let h = blockHeight(cell, host: host, distances: m.showDistances)
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

        let rows = rows(cell, host: host, glyphs: g)
        for (n, row) in rows.enumerated() {
            let yy = y + 1 + n
            let barX = x + 1 + labelWidth
            if case .counts = row.bar {
                // The counts under a page bar, lined up with the bar.
                c.text(barX, yy, Canvas.fit(row.text, w - labelWidth - 1, ascii: c.ascii), Style(.dim), clip: clip)
                continue
            }
            c.text(x + 1, yy, row.label, Style(.label), clip: clip)
            let suffixWidth = min(24, max(row.text.count, 10))
            let barW = max(4, w - labelWidth - suffixWidth - 3)
            switch row.bar {
            case .classic(let used, let reserved):
                Bar.draw(into: &c, x: barX, y: yy, width: barW, used: used, reserved: reserved, total: row.total, glyphs: g, clip: clip)
            case .parts(let parts):
                Bar.draw(into: &c, x: barX, y: yy, width: barW, parts: parts, total: row.total, glyphs: g, clip: clip)
            case .counts:
                break
            }
            c.text(barX + barW + 1, yy, Canvas.fit(row.text, w - (barX + barW + 1 - x), ascii: c.ascii), Style(.value), clip: clip)
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
