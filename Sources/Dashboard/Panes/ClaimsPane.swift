import TrackerCore

/// Live claims: id, consumer, cells, CPUs, memory, pages, devices, age,
/// state. A stuck claim shows STUCK in the danger colour, one whose CPU or
/// device another holder also holds CONFLICT, one that drifted DRIFT in the
/// warning colour, and each finding on a line below it. The Holders view
/// (`HoldersPane`) is the other tab of this pane.
public enum ClaimsPane {
    /// Claims after the filter and stuck-only toggle, in the chosen order.
    public static func visible(_ m: DashboardModel) -> [Claim] {
        guard let host = m.host else { return [] }
        let f = m.filter.lowercased()
        var list = host.claims.filter { c in
            (!m.stuckOnly || host.stuck[c.id] != nil)
                && (f.isEmpty || c.id.lowercased().contains(f) || c.consumer.name.lowercased().contains(f)
                    || c.decision.pciDevices.contains { $0.contains(f) })
        }
        switch m.sort {
        case .age: list.sort { $0.createdAt < $1.createdAt }
        case .id: list.sort { $0.id < $1.id }
        case .consumer: list.sort { ($0.consumer.name, $0.id) < ($1.consumer.name, $1.id) }
        case .cpus: list.sort { (pinned($0).count, $0.id) > (pinned($1).count, $1.id) }
        case .state: list.sort { (host.stuck[$0.id] == nil ? 1 : 0, $0.state.rawValue, $0.id) < (host.stuck[$1.id] == nil ? 1 : 0, $1.state.rawValue, $1.id) }
        }
        return list
    }

    /// Every CPU the claim holds: vCPU pins, emulator CPUs and the sibling
    /// threads an `isolate` claim keeps idle.
    public static func pinned(_ c: Claim) -> CPUSet { c.usage.pinnedCPUs }

    /// Hugepages held, e.g. `2048×2M`; small-page memory shows as `-`.
    public static func pages(_ c: Claim) -> String {
        let large = c.usage.cells.filter { ($0.pageSizeKB ?? 4) > 4 && $0.pages > 0 }
        guard let size = large.first?.pageSizeKB else { return "-" }
        return "\(large.reduce(0) { $0 + $1.pages })×\(PageSizeText.short(kb: size))"
    }

    /// The colour role of a finding's line under its claim.
    static func role(_ kind: ClaimFinding.Kind) -> Role {
        switch kind {
        case .stuck: return .stuck
        case .conflict: return .danger
        case .drift, .ownerNotVisible: return .warn
        }
    }

    struct Column {
        var title: String
        var width: Int
        var value: (Claim) -> String
    }

    static func columns(width: Int, now: Double) -> [Column] {
        let all: [Column] = [
            Column(title: "ID", width: 8) { $0.id },
            Column(title: "CONSUMER", width: 13) { $0.consumer.name },
            Column(title: "STATE", width: 9) { $0.state.rawValue },
            Column(title: "CPUS", width: 11) { c in
                let p = pinned(c)
                if !p.isEmpty { return CPUListText.fit(p, width: 11) }
                let shared = c.decision.cells.reduce(0) { $0 + $1.sharedVCPUCount }
                return shared > 0 || c.decision.cells.isEmpty ? "\(c.request.vcpus) sh" : "-"
            },
            Column(title: "AGE", width: 5) { Fmt.age(Int(now - $0.createdAt)) },
            Column(title: "MEM", width: 6) { Fmt.mib($0.request.memoryMB) },
            Column(title: "CELLS", width: 5) { c in
                c.decision.cells.isEmpty ? "any" : c.decision.cells.map { String($0.hostCell) }.joined(separator: ",")
            },
            Column(title: "PAGES", width: 8) { pages($0) },
            Column(title: "DEVS", width: 4) { String($0.decision.pciDevices.count) },
        ]
        // Highest priority first; keep what fits, then show in a fixed order.
        var used = 0
        var keep: [String] = []
        for col in all where used + col.width + 1 <= width {
            keep.append(col.title)
            used += col.width + 1
        }
        let order = ["ID", "CONSUMER", "CELLS", "CPUS", "MEM", "PAGES", "DEVS", "AGE", "STATE"]
        return order.compactMap { t in keep.contains(t) ? all.first { $0.title == t } : nil }
    }

    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        let focused = m.focus == .claims
        let list = visible(m)
        var title = PaneID.claims.title
        if let host = m.host {
            title += "  \(host.claims.count) live"
            if !host.stuck.isEmpty { title += " · \(host.stuck.count) stuck" }
            title += " · by \(m.sort.rawValue)"
            if m.stuckOnly { title += " · stuck only" }
        }
        let inner = PaneFrame.draw(into: &c, rect: r, title: title, focused: focused, glyphs: g)
        guard let host = m.host, inner.height >= 2 else { return }
        PaneFrame.counter("H: holders \(host.holders.count)", into: &c, rect: r, top: true, titleWidth: title.count + 4)
        let cols = columns(width: inner.width, now: m.now)
        var x = inner.x
        for col in cols {
            let sorted = col.title.lowercased() == m.sort.rawValue
            x = c.text(x, inner.y, Fmt.left(col.title, col.width), Style(sorted ? .title : .label, bold: true, underline: sorted)) + 1
        }
        if list.isEmpty {
            let why = host.claims.isEmpty ? "no live claims" : "no claim matches the filter"
            c.text(inner.x + 1, inner.y + 1, why, Style(.dim), clip: inner)
            return
        }
        // Lines: each claim, then one line per finding (stuck reasons, drift,
        // an owner that could not be checked).
        var lines: [(claim: Int, reason: String?, role: Role)] = []
        for (i, cl) in list.enumerated() {
            lines.append((i, nil, .normal))
            for f in host.findings(for: cl.id) { lines.append((i, f.text, role(f.kind))) }
        }
        let sel = min(max(0, m.claimIndex), list.count - 1)
        let selLine = lines.firstIndex { $0.claim == sel && $0.reason == nil } ?? 0
        let rows = inner.height - 1
        let scroll = PaneFrame.scroll(selected: selLine, current: m.claimScroll, rows: rows, count: lines.count)
        for (n, line) in lines[scroll..<min(lines.count, scroll + rows)].enumerated() {
            let y = inner.y + 1 + n
            let cl = list[line.claim]
            let isStuck = host.stuck[cl.id] != nil
            let findings = host.findings(for: cl.id)
            let conflicted = !isStuck && findings.contains { $0.kind == .conflict }
            let drifted = !isStuck && !conflicted && findings.contains { $0.kind == .drift }
            let selected = focused && line.claim == sel
            if let reason = line.reason {
                c.text(inner.x + 2, y, g.isASCII ? "->" : "↳", Style(line.role), clip: inner)
                c.hostText(inner.x + (g.isASCII ? 5 : 4), y, reason, Style(line.role), maxWidth: inner.width - 5)
                continue
            }
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), " ", Style(.selected)) }
            var xx = inner.x
            for col in cols {
                var text = col.value(cl)
                var style = selected ? Style(.selected) : Style(.normal)
                if col.title == "STATE" {
                    if isStuck {
                        text = "STUCK"
                        style = Style(.stuck, bold: true, reverse: true)
                    } else if conflicted {
                        text = "CONFLICT"
                        style = Style(.danger, bold: true, reverse: true)
                    } else if drifted {
                        text = "DRIFT"
                        style = Style(.warn, bold: true, reverse: true)
                    } else if !selected {
                        style = Style(cl.state == .confirmed ? .ok : .pinned)
                    }
                }
                if col.title == "ID" && !selected { style = Style(.value, bold: true) }
                c.hostText(xx, y, text, style, maxWidth: col.width)
                xx += col.width + 1
            }
        }
    }
}
