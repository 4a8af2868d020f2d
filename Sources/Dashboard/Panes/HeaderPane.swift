import TrackerCore

/// Two lines: identity and capacity on the first, usage on the second.
/// Segments that do not fit are dropped whole, least important first, so
/// the claims and STUCK counts survive an 80-column terminal.
public enum HeaderPane {
    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        c.fill(r, " ", .normal)
        guard let host = m.host else {
            c.text(r.x + 1, r.y, "restrack", Style(.title, bold: true))
            c.hostText(r.x + 11, r.y, m.pollError ?? "reading the host…", Style(.danger), maxWidth: r.width - 12)
            return
        }
        let s = host.effective
        let sockets = Set(s.cells.compactMap(\.socket)).count
        let cpuCount = s.cells.reduce(0) { $0 + CPUTileLayout.cores(of: $1).reduce(0) { $0 + $1.count } }
        let pcpus = s.cells.reduce(0) { $0 + $1.pcpus.count }
        let pinned = s.cells.reduce(0) { $0 + $1.pinnedCPUs.intersectionCount($1.pcpus) }
        let mem = s.cells.reduce(0) { $0 + $1.memoryMB }
        let memUsed = s.cells.reduce(0) { $0 + $1.memoryUsageMB }
        let vfs = s.pciDevices.filter { $0.devType == .vf }
        let vfsUsed = vfs.filter { host.pciOwners[$0.address] != nil }.count
        let stuck = host.stuck.count

        var line1: [Segment] = [
            Segment("restrack", Style(.title, bold: true), priority: 9),
            Segment(SafeText.forScreen(s.hostname, ascii: c.ascii), Style(.value, bold: true), priority: 8),
            Segment("\(sockets) socket\(sockets == 1 ? "" : "s") · \(s.cells.count) cell\(s.cells.count == 1 ? "" : "s") · \(cpuCount) CPUs",
                    Style(.normal), priority: 5),
            Segment("mem \(Fmt.mib(memUsed))/\(Fmt.mib(mem))", Style(.normal), priority: 4),
            Segment("every \(Fmt.seconds(m.interval))s", Style(.dim), priority: 2),
        ]
        if m.paused { line1.append(Segment("PAUSED", Style(.warn, bold: true, reverse: true), priority: 7)) }
        if m.readOnly { line1.append(Segment("READ-ONLY", Style(.warn, bold: true), priority: 7)) }
        if let e = m.pollError {
            line1.append(Segment("poll failed: " + SafeText.forScreen(e, ascii: c.ascii), Style(.danger, bold: true), priority: 3))
        }

        var line2: [Segment] = [
            Segment("pinned \(pinned)/\(pcpus) dedicated", Style(pinned > 0 ? .pinned : .normal), priority: 6),
            Segment("free \(pcpus - pinned)", Style(.free), priority: 5),
        ]
        var sizes: [Int: (used: Int, total: Int)] = [:]
        for cell in s.cells {
            for p in cell.mempages where p.sizeKB > 4 {
                let cur = sizes[p.sizeKB] ?? (0, 0)
                sizes[p.sizeKB] = (cur.used + p.used, cur.total + p.total)
            }
        }
        if !sizes.isEmpty {
            let pages = sizes.keys.sorted().map { "\(PageSizeText.short(kb: $0)) \(sizes[$0]?.used ?? 0)/\(sizes[$0]?.total ?? 0)" }
            line2.append(Segment("hugepages " + pages.joined(separator: " "), Style(.normal), priority: 2))
        }
        if !vfs.isEmpty { line2.append(Segment("VFs \(vfsUsed)/\(vfs.count)", Style(.normal), priority: 3)) }
        line2.append(Segment("claims \(host.claims.count)", Style(.normal), priority: 9))
        if stuck > 0 { line2.append(Segment("\(stuck) STUCK", Style(.stuck, bold: true, reverse: true), priority: 10)) }

        place(line1, into: &c, rect: r, row: 0, right: m.clock)
        place(line2, into: &c, rect: r, row: 1, right: nil)
    }

    struct Segment {
        var text: String
        var style: Style
        /// Higher stays longer when the line is short of room.
        var priority: Int
        init(_ text: String, _ style: Style, priority: Int) {
            self.text = text
            self.style = style
            self.priority = priority
        }
    }

    /// The segments that fit, chosen by priority and drawn in their order.
    static func place(_ segs: [Segment], into c: inout Canvas, rect r: Rect, row: Int, right: String?) {
        let room = r.maxX - 1 - (right.map { $0.count + 2 } ?? 0) - (r.x + 1)
        var used = 0
        var kept = Set<Int>()
        let byPriority = segs.indices.sorted { (segs[$0].priority, -$0) > (segs[$1].priority, -$1) }
        for i in byPriority {
            let w = segs[i].text.count + (kept.isEmpty ? 0 : 2)
            if used + w <= room {
                kept.insert(i)
                used += w
            }
        }
        var x = r.x + 1
        for (i, seg) in segs.enumerated() where kept.contains(i) {
            x = c.text(x, r.y + row, seg.text, seg.style) + 2
        }
        if let right { c.text(r.maxX - 1 - right.count, r.y + row, right, Style(.title, bold: true)) }
    }
}
