import TrackerCore

/// Two lines: identity and capacity on the first, usage on the second.
/// Segments that do not fit are dropped from the right, whole.
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

        var line1: [(String, Style)] = [
            ("restrack", Style(.title, bold: true)),
            (Sanitize.text(s.hostname, ascii: c.ascii), Style(.value, bold: true)),
            ("\(sockets) socket\(sockets == 1 ? "" : "s") · \(s.cells.count) cell\(s.cells.count == 1 ? "" : "s") · \(cpuCount) CPUs", Style(.normal)),
            ("mem \(Fmt.mib(memUsed))/\(Fmt.mib(mem))", Style(.normal)),
            ("every \(Fmt.oneDecimal(m.interval))s", Style(.dim)),
        ]
        if m.paused { line1.append(("PAUSED", Style(.warn, bold: true, reverse: true))) }
        if m.readOnly { line1.append(("READ-ONLY", Style(.warn, bold: true))) }
        if let e = m.pollError { line1.append(("poll failed: " + Sanitize.text(e, ascii: c.ascii), Style(.danger, bold: true))) }

        var line2: [(String, Style)] = [
            ("pinned \(pinned)/\(pcpus) dedicated", Style(pinned > 0 ? .pinned : .normal)),
            ("free \(pcpus - pinned)", Style(.free)),
        ]
        var sizes: [Int: (used: Int, total: Int)] = [:]
        for cell in s.cells {
            for p in cell.mempages where p.sizeKB > 4 {
                let cur = sizes[p.sizeKB] ?? (0, 0)
                sizes[p.sizeKB] = (cur.used + p.used, cur.total + p.total)
            }
        }
        if !sizes.isEmpty {
            let pages = sizes.keys.sorted().map { "\(Fmt.pageSize($0)) \(sizes[$0]?.used ?? 0)/\(sizes[$0]?.total ?? 0)" }
            line2.append(("hugepages " + pages.joined(separator: " "), Style(.normal)))
        }
        if !vfs.isEmpty { line2.append(("VFs \(vfsUsed)/\(vfs.count)", Style(.normal))) }
        line2.append(("claims \(host.claims.count)", Style(.normal)))
        if stuck > 0 { line2.append(("\(stuck) STUCK", Style(.stuck, bold: true, reverse: true))) }

        place(line1, into: &c, rect: r, row: 0, right: m.clock)
        place(line2, into: &c, rect: r, row: 1, right: nil)
    }

    static func place(_ segs: [(String, Style)], into c: inout Canvas, rect r: Rect, row: Int, right: String?) {
        let limit = r.maxX - 1 - (right.map { $0.count + 2 } ?? 0)
        var x = r.x + 1
        for (text, style) in segs {
            if x + text.count > limit { break }
            x = c.text(x, r.y + row, text, style) + 2
        }
        if let right { c.text(r.maxX - 1 - right.count, r.y + row, right, Style(.title, bold: true)) }
    }
}
