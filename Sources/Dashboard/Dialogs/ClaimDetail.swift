import TrackerCore

/// Everything about one claim (Enter on a claim row).
public enum ClaimDetail {
    public static func lines(id: String, host: HostState, now: Double) -> [(String, String, Role)] {
        guard let c = host.claims.first(where: { $0.id == id }) else { return [("claim", "\(id) is no longer live", .dim)] }
        var out: [(String, String, Role)] = []
        out.append(("id", c.id, .value))
        var who = c.consumer.name
        if let pid = c.consumer.pid { who += " · pid \(pid)" }
        if let u = c.consumer.domainUUID { who += " · domain \(u)" }
        out.append(("consumer", who, .value))
        out.append(("state", c.state.rawValue + (c.state == .claimed ? " (TTL \(c.ttlSeconds)s)" : ""), c.state == .confirmed ? .ok : .pinned))
        out.append(("age", Fmt.age(Int(now - c.createdAt)), .value))
        let r = c.request
        var req = "\(r.vcpus) vCPUs · \(Fmt.mib(r.memoryMB)) · \(r.cpuPolicy?.rawValue ?? "shared")"
        if let t = r.cpuThreadPolicy { req += " · \(t.rawValue)" }
        if let p = r.memPageSize {
            if case .kib(let k) = p { req += " · \(PageSizeText.short(kb: k)) pages" } else { req += " · \(p) pages" }
        }
        for p in r.pciRequests { req += " · \(p.alias ?? "\(p.vendorID ?? "*"):\(p.productID ?? "*")")×\(p.count)" }
        out.append(("request", req, .value))
        for cell in c.decision.cells {
            let pins = cell.pinning.sorted { $0.key < $1.key }.map { "\($0.key)→\($0.value)" }.joined(separator: " ")
            var s = "host cell \(cell.hostCell) · \(Fmt.mib(cell.memoryMB))"
            if let p = cell.pagesizeKB { s += " in \(PageSizeText.short(kb: p)) pages" }
            if !pins.isEmpty { s += " · pins " + pins }
            out.append(("guest cell \(cell.guestCell)", s, .value))
        }
        if !c.decision.emulatorCPUs.isEmpty { out.append(("emulator", CPUSet(c.decision.emulatorCPUs).cpulist, .value)) }
        for d in c.decision.pciDevices { out.append(("device", d, .value)) }
        for f in host.findings(for: c.id) {
            switch f.kind {
            case .stuck: out.append(("STUCK", f.text, .stuck))
            case .drift: out.append(("DRIFT", f.text, .warn))
            case .conflict: out.append(("CONFLICT", f.text, .danger))
            case .ownerNotVisible: out.append(("owner", f.text, .warn))
            }
        }
        if let n = c.note { out.append(("note", n, .dim)) }
        return out
    }

    public static func draw(id: String, scroll: Int, host: HostState?, now: Double, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let inner = DialogFrame.open(into: &c, over: area, width: DetailView.box(area: area).width,
                                     height: DetailView.box(area: area).height,
                                     title: "Claim \(id)", glyphs: g)
        guard let host else { return }
        let rows = lines(id: id, host: host, now: now)
        let start = max(0, min(scroll, rows.count - DetailView.visibleRows(area: area)))
        for (i, row) in rows.dropFirst(start).prefix(DetailView.visibleRows(area: area)).enumerated() {
            c.hostText(inner.x, inner.y + i, row.0, Style(["STUCK", "DRIFT", "CONFLICT"].contains(row.0) ? row.2 : .label, bold: true), maxWidth: 13)
            c.hostText(inner.x + 14, inner.y + i, row.1, Style(row.2), maxWidth: inner.width - 14)
        }
        c.text(inner.x, inner.maxY - 1, "Esc back · ↑↓ PgUp PgDn scroll · C confirm · r release", Style(.dim))
    }
}
