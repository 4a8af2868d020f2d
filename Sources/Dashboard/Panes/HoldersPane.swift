import TrackerCore

/// Every holder of host resources: one per live claim (`restrack`), the
/// processes and cgroups the kernel shows pinned and pages in use outside
/// claims (`kernel`), devices the host itself uses (`host`), libvirt
/// domains and kubelet pods with their state (running, defined, stale).
/// Grouped by owner kind (`HolderKind.displayOrder`: claims, domains, pods,
/// kernel, host) then id, numbers in ids by value; `/` filters; Enter opens
/// `HolderDetail`. It is the second tab of the claims pane (`H`, or Tab
/// from the claims).
public enum HoldersPane {
    /// Holders after the filter, in display order.
    public static func visible(_ m: DashboardModel) -> [Holder] {
        guard let host = m.host else { return [] }
        let f = m.filter.lowercased()
        // Each holder's key is built once: splitting both ids inside the
        // comparison made sorting a large host's holders cost more than
        // drawing the whole frame.
        let keyed = host.holders.filter { f.isEmpty || matches($0, f) }
            .map { (holder: $0, kind: kindRank($0.kind), id: NaturalKey($0.id)) }
        return keyed.sorted { a, b in a.kind != b.kind ? a.kind < b.kind : a.id < b.id }.map(\.holder)
    }

    /// How many holders `visible` lists, without sorting them.
    public static func visibleCount(_ m: DashboardModel) -> Int {
        guard let host = m.host else { return 0 }
        let f = m.filter.lowercased()
        return f.isEmpty ? host.holders.count : host.holders.reduce(0) { $0 + (matches($1, f) ? 1 : 0) }
    }

    static func matches(_ h: Holder, _ f: String) -> Bool {
        let fields = [h.kind.rawValue, h.id, h.name, h.comm ?? "", h.cgroup ?? "", h.pid.map(String.init) ?? "",
                      h.cpus.cpulist, h.foreign?.uuid ?? "", h.foreign?.podUID ?? "", h.foreign?.state.rawValue ?? "",
                      h.foreign?.novaInstance ?? ""] + h.pciDevices
        return fields.contains { $0.lowercased().contains(f) }
    }

    /// Kind first (`HolderKind.displayOrder`), then id with digit runs
    /// compared by value (`pid:77` before `pid:4121`).
    static func kindRank(_ k: HolderKind) -> Int { HolderKind.displayOrder.firstIndex(of: k) ?? 0 }

    /// `824×2M`, `512×2M,1×1G`, `-`.
    public static func pages(_ h: Holder) -> String {
        let bySize = Dictionary(grouping: h.pages, by: \.sizeKB).mapValues { $0.reduce(0) { $0 + $1.count } }
        guard !bySize.isEmpty else { return "-" }
        return bySize.keys.sorted().map { "\(bySize[$0] ?? 0)×\(PageSizeText.short(kb: $0))" }.joined(separator: ",")
    }

    /// `3b:00.2`, `3b:00.2 +1`, `-`: the domain is the same on most hosts.
    public static func devices(_ h: Holder) -> String {
        guard let first = h.pciDevices.first else { return "-" }
        let short = first.hasPrefix("0000:") ? String(first.dropFirst(5)) : first
        return h.pciDevices.count > 1 ? "\(short) +\(h.pciDevices.count - 1)" : short
    }

    /// `12G`, `512M`, `-`: `memoryMBPerNode` over all its nodes (a domain's
    /// whole RAM, a claim's or pod's small-page memory).
    public static func memory(_ h: Holder) -> String {
        let total = h.memoryMBPerNode.values.reduce(0, +)
        return total > 0 ? Fmt.mib(total) : "-"
    }

    /// `running`, `defined`, `stale` for a foreign owner (`unverified` when
    /// its checkpoint's checksum does not match), `-` otherwise.
    public static func state(_ h: Holder) -> String {
        guard let f = h.foreign else { return "-" }
        return f.verified == false ? "\(f.state.rawValue)?" : f.state.rawValue
    }

    /// The worst finding about holder `id`, as a word for its row.
    static func note(_ id: String, _ host: HostState) -> (String, Role)? {
        guard let f = LiveFigures.findings(of: id, host).first else { return nil }
        switch f.kind {
        case .conflict: return ("CONFLICT", .danger)
        case .outsideUse: return ("OUTSIDE", .warn)
        case .drift: return ("DRIFT", .warn)
        case .notVisible: return ("UNSEEN", .dim)
        case .stale: return ("STALE", .danger)
        case .checksumMismatch: return ("CHECKSUM", .danger)
        case .invalidFile: return ("INVALID", .warn)
        }
    }

    struct Column {
        var title: String
        var width: Int
        var value: (Holder) -> String
    }

    static func columns(width: Int, host: HostState) -> [Column] {
        let all: [Column] = [
            Column(title: "KIND", width: 8) { $0.kind.rawValue },
            // A running domain's QEMU is always `qemu-system-x86`: its name tells them apart.
            Column(title: "NAME", width: 14) { $0.isForeign ? $0.name : ($0.comm ?? $0.name) },
            Column(title: "CPUS", width: 11) { $0.cpus.isEmpty ? "-" : CPUListText.fit($0.cpus, width: 11) },
            Column(title: "NOTE", width: 8) { note($0.id, host)?.0 ?? "" },
            Column(title: "PID", width: 7) { $0.pid.map(String.init) ?? "-" },
            Column(title: "STATE", width: 8) { state($0) },
            Column(title: "PAGES", width: 10) { pages($0) },
            Column(title: "DEVS", width: 10) { devices($0) },
            Column(title: "MEM", width: 7) { memory($0) },
        ]
        // State and memory say something only of foreign owners: without
        // one, the columns keep their room for the rest.
        let foreign = host.holders.contains(where: \.isForeign)
        var used = 0
        var keep: [String] = []
        for col in all where used + col.width + 1 <= width && (foreign || !["STATE", "MEM"].contains(col.title)) {
            keep.append(col.title)
            used += col.width + 1
        }
        let order = ["KIND", "PID", "NAME", "STATE", "CPUS", "MEM", "PAGES", "DEVS", "NOTE"]
        return order.compactMap { t in keep.contains(t) ? all.first { $0.title == t } : nil }
    }

    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        let focused = m.focus == .holders
        let list = visible(m)
        var title = PaneID.holders.title
        if let host = m.host {
            title += "  \(host.holders.count)"
            let byKind = Dictionary(grouping: host.holders, by: \.kind).mapValues(\.count)
            for k in HolderKind.displayOrder where k != .restrack {
                if let n = byKind[k] { title += " · \(n) \(k.rawValue)" }
            }
        }
        let inner = PaneFrame.draw(into: &c, rect: r, title: title, focused: focused, glyphs: g)
        guard let host = m.host, inner.height >= 2 else { return }
        PaneFrame.counter("H: claims \(host.claims.count)", into: &c, rect: r, top: true, titleWidth: title.count + 4)
        let cols = columns(width: inner.width, host: host)
        var x = inner.x
        for col in cols { x = c.text(x, inner.y, Fmt.left(col.title, col.width), Style(.label, bold: true)) + 1 }
        if list.isEmpty {
            let why = host.holders.isEmpty ? "no holders seen" : "no holder matches the filter"
            c.text(inner.x + 1, inner.y + 1, why, Style(.dim), clip: inner)
            return
        }
        let sel = min(max(0, m.holderIndex), list.count - 1)
        let rows = inner.height - 1
        let scroll = PaneFrame.scroll(selected: sel, current: m.holderScroll, rows: rows, count: list.count)
        for (n, h) in list[scroll..<min(list.count, scroll + rows)].enumerated() {
            let y = inner.y + 1 + n
            let selected = focused && scroll + n == sel
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), " ", Style(.selected)) }
            var xx = inner.x
            for col in cols {
                var style = selected ? Style(.selected) : Style(.normal)
                if !selected {
                    switch col.title {
                    case "KIND": style = Style(h.kind == .restrack ? .ok : (h.kind == .host ? .dim : .warn), bold: true)
                    case "NOTE": style = Style(note(h.id, host)?.1 ?? .normal, bold: true)
                    case "STATE":
                        let role: Role = switch h.foreign?.state {
                        case .running?: .ok
                        case .stale?: .danger
                        default: .dim
                        }
                        style = Style(role)
                    default: break
                    }
                }
                c.hostText(xx, y, col.value(h), style, maxWidth: col.width)
                xx += col.width + 1
            }
        }
        if list.count > rows { PaneFrame.counter("\(sel + 1)/\(list.count)", into: &c, rect: r) }
    }
}
