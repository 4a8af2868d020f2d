import TrackerCore

/// Every CPU as a one-column tile; the selected tile's owner and core are
/// spelled out under the map, with the legend.
public enum CPUMapPane {
    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        let focused = m.focus == .cpus
        let inner = PaneFrame.draw(into: &c, rect: r, title: PaneID.cpus.title, focused: focused, glyphs: g)
        guard let host = m.host, inner.height >= 3 else { return }
        let snap = host.effective
        let mapRows = inner.height - 2
        let tiles = CPUTileLayout.tiles(for: snap, width: inner.width, maxRows: mapRows)
        guard !tiles.isEmpty else { return }
        let sel = min(max(0, m.cpuIndex), tiles.count - 1)
        let totalRows = (tiles.last?.row ?? 0) + 1
        let scroll = PaneFrame.scroll(selected: tiles[sel].row, current: m.cpuScroll, rows: mapRows, count: totalRows)
        for (i, t) in tiles.enumerated() {
            let y = inner.y + t.row - scroll
            guard y >= inner.y, y < inner.y + mapRows else { continue }
            let cell = snap.cells[t.cellIndex]
            if i == 0 || tiles[i - 1].cellIndex != t.cellIndex {
                c.text(inner.x, y, "c\(cell.id)", Style(.label, bold: true), clip: inner)
            }
            let kind = CPUKind.of(t.cpu, in: cell)
            var style = Style(kind.role, bold: kind == .pinned)
            if focused && i == sel { style = Style(.selected, bold: true, reverse: true) }
            c.put(inner.x + t.col, y, kind.glyph(g), style, clip: inner)
        }
        if totalRows > mapRows {
            PaneFrame.counter("\(scroll + 1)-\(min(totalRows, scroll + mapRows))/\(totalRows)", into: &c, rect: r, top: true,
                              titleWidth: PaneID.cpus.title.count + 4)
        }
        // Selected CPU line.
        let t = tiles[sel]
        let cell = snap.cells[t.cellIndex]
        let kind = CPUKind.of(t.cpu, in: cell)
        var info = "CPU \(t.cpu) · cell \(cell.id) · core \(t.core.map(String.init).joined(separator: ",")) · \(kind.name)"
        if let owner = host.cpuOwners[t.cpu] {
            let name = host.claims.first { $0.id == owner }?.consumer.name ?? "?"
            info += " by \(owner) (\(name))"
        }
        c.hostText(inner.x, inner.maxY - 2, info, Style(focused ? .value : .dim), maxWidth: inner.width, clip: inner)
        // Legend.
        var x = inner.x
        let legend: [CPUKind] = [.pinned, .freeDedicated, .shared, .reserved, .isolated, .offline]
        for k in legend {
            let name = k == .freeDedicated ? "free ded" : k.name
            if x + name.count + 3 > inner.maxX { break }
            c.put(x, inner.maxY - 1, k.glyph(g), Style(k.role, bold: k == .pinned))
            x = c.text(x + 2, inner.maxY - 1, name, Style(.dim)) + 2
        }
    }
}
