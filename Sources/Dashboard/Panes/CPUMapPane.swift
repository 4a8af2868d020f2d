import TrackerCore

/// Every CPU as a one-column tile; the selected tile's owner and core are
/// spelled out under the map, with the legend. When load was sampled, each
/// tile row has a row of load digits under it (busy/10, so 87 % is `8`):
/// readable without colour, in ASCII and in a tmux capture, and coloured
/// along the bar gradient where there is colour.
public enum CPUMapPane {
    /// Where the tiles go in a map area: the tiles, the screen rows one
    /// tile row takes (2 with a load row), and how many tile rows show.
    public struct Geometry: Hashable, Sendable {
        public var tiles: [CPUTile]
        public var rowHeight: Int
        public var visibleRows: Int
        public var totalRows: Int { (tiles.last?.row ?? 0) + 1 }
    }

    /// The one place the map, the controller's moves and its scrolling
    /// take the tile layout from. `inner` is the pane without its border;
    /// the last two lines are the info line and the legend.
    public static func geometry(_ host: HostState, inner: Rect) -> Geometry {
        let load = !(host.utilisation?.cpuBusyPct.isEmpty ?? true)
        let rowHeight = load ? 2 : 1
        let visible = max(1, (inner.height - 2) / rowHeight)
        let tiles = CPUTileLayout.tiles(for: host.effective, width: inner.width, maxRows: visible)
        return Geometry(tiles: tiles, rowHeight: rowHeight, visibleRows: visible)
    }

    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        let focused = m.focus == .cpus
        let inner = PaneFrame.draw(into: &c, rect: r, title: PaneID.cpus.title, focused: focused, glyphs: g)
        guard let host = m.host, inner.height >= 3 else { return }
        let snap = host.effective
        let geo = geometry(host, inner: inner)
        let tiles = geo.tiles
        guard !tiles.isEmpty else { return }
        let mapArea = Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 2)
        let sel = min(max(0, m.cpuIndex), tiles.count - 1)
        let totalRows = geo.totalRows
        let scroll = PaneFrame.scroll(selected: tiles[sel].row, current: m.cpuScroll, rows: geo.visibleRows, count: totalRows)
        let conflicted = LiveFigures.conflicted(host).cpus
        for (i, t) in tiles.enumerated() {
            let y = inner.y + (t.row - scroll) * geo.rowHeight
            guard t.row >= scroll, t.row < scroll + geo.visibleRows else { continue }
            let cell = snap.cells[t.cellIndex]
            if i == 0 || tiles[i - 1].cellIndex != t.cellIndex {
                c.text(inner.x, y, "c\(cell.id)", Style(.label, bold: true), clip: mapArea)
            }
            let kind = CPUKind.of(t.cpu, in: cell, host: host, conflicted: conflicted)
            var style = Style(kind.role, bold: [.pinned, .held, .conflict].contains(kind))
            if focused && i == sel { style = Style(.selected, bold: true, reverse: true) }
            c.put(inner.x + t.col, y, kind.glyph(g), style, clip: mapArea)
            if geo.rowHeight == 2 {
                if let pct = LiveFigures.busy(t.cpu, host) {
                    c.put(inner.x + t.col, y + 1, LiveFigures.loadDigit(pct), Style(Role.gradient(pct / 100), bold: pct >= 80),
                          clip: mapArea)
                } else if kind != .offline {
                    c.put(inner.x + t.col, y + 1, "-", Style(.dim), clip: mapArea)
                }
            }
        }
        if totalRows > geo.visibleRows {
            PaneFrame.counter("\(scroll + 1)-\(min(totalRows, scroll + geo.visibleRows))/\(totalRows)", into: &c, rect: r,
                              top: true, titleWidth: PaneID.cpus.title.count + 4)
        }
        let t = tiles[sel]
        let info = SafeText.forScreen(infoLine(t, cell: snap.cells[t.cellIndex], host: host), ascii: c.ascii)
        let style = Style(focused ? .value : .dim)
        if info.count <= inner.width {
            c.text(inner.x, inner.maxY - 2, info, style, clip: inner)
            drawLegend(host, tiles: tiles, cells: snap.cells, load: geo.rowHeight == 2, into: &c, inner: inner, glyphs: g)
        } else {
            // The legend gives way when the selected CPU needs two lines
            // (a holder's name at 80 columns): what is selected matters more.
            let lines = Fmt.wrap(info, inner.width)
            c.text(inner.x, inner.maxY - 2, lines.first ?? "", style, clip: inner)
            let rest = lines.dropFirst().joined(separator: " ")
            c.text(inner.x, inner.maxY - 1, Canvas.fit(rest, inner.width, ascii: c.ascii), style, clip: inner)
        }
    }

    /// "CPU 7 · pinned by pid 4121 (qemu-kvm), no claim · 87% busy · cell 0 · core 6,7".
    /// Host text (holder and consumer names): sanitise before drawing.
    public static func infoLine(_ t: CPUTile, cell: NUMACell, host: HostState) -> String {
        let kind = CPUKind.of(t.cpu, in: cell, host: host)
        var parts = ["CPU \(t.cpu)"]
        func claimName(_ id: String) -> String { host.claims.first { $0.id == id }?.consumer.name ?? "?" }
        switch kind {
        case .held:
            if let h = host.cpuHolders[t.cpu] { parts.append("pinned by \(h.label), no claim") }
        case .conflict:
            // Every owner: the claim and each domain, pod or process on it.
            let owners = (host.cpuOwners[t.cpu].map { ["claim \($0) (\(claimName($0)))"] } ?? [])
                + LiveFigures.cpuHolders(t.cpu, host).map(\.label)
            parts.append("CONFLICT: " + owners.joined(separator: " and "))
        default:
            break
        }
        if let pct = LiveFigures.busy(t.cpu, host) { parts.append("\(LiveFigures.percent(pct)) busy") }
        parts.append("cell \(cell.id)")
        parts.append("core \(t.core.map(String.init).joined(separator: ","))")
        if kind != .held && kind != .conflict {
            var k = kind.name
            if let owner = host.cpuOwners[t.cpu] { k += " by \(owner) (\(claimName(owner)))" }
            parts.append(k)
        }
        return parts.joined(separator: " · ")
    }

    static func drawLegend(_ host: HostState, tiles: [CPUTile], cells: [NUMACell], load: Bool, into c: inout Canvas,
                           inner: Rect, glyphs g: Glyphs) {
        // Held and conflict are listed when the map shows them, so a host
        // without holders keeps the room for the usual kinds at 80 columns.
        let conflicted = LiveFigures.conflicted(host).cpus
        let kinds = Set(tiles.map { CPUKind.of($0.cpu, in: cells[$0.cellIndex], host: host, conflicted: conflicted) })
        let legend = [CPUKind.pinned, .held, .conflict, .freeDedicated, .shared, .reserved, .isolated, .offline]
            .filter { ($0 != .held && $0 != .conflict) || kinds.contains($0) }
        var x = inner.x
        for k in legend {
            let name: String = switch k {
            case .freeDedicated: "free ded"
            case .held: "held"
            default: k.name
            }
            if x + name.count + 3 > inner.maxX { return }
            c.put(x, inner.maxY - 1, k.glyph(g), Style(k.role, bold: [.pinned, .held, .conflict].contains(k)))
            x = c.text(x + 2, inner.maxY - 1, name, Style(.dim)) + 2
        }
        let busy = "0-9 busy/10"
        if load && x + busy.count <= inner.maxX { c.text(x, inner.maxY - 1, busy, Style(.dim)) }
    }
}
