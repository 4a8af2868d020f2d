import TrackerCore

/// Two lines: identity and capacity on the first, usage on the second.
/// Segments that do not fit are dropped whole, least important first, so
/// the claims, STUCK and CONFLICT counts survive an 80-column terminal.
/// Where load and the kernel's counts were read, htop-like meters show
/// real against promised: host CPU busy, memory the kernel shows used, and
/// per page size the pages in use by anyone beside those claims promise.
public enum HeaderPane {
    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        c.fill(r, " ", .normal)
        guard let host = m.host else {
            c.text(r.x + 1, r.y, "restrack", Style(.title, bold: true))
            c.hostText(r.x + 11, r.y, m.pollError ?? "reading the host…", Style(.danger), maxWidth: r.width - 12)
            return
        }
        let s = host.effective
        let held = LiveFigures.heldOutside(host)
        let sockets = Set(s.cells.compactMap(\.socket)).count
        let cpuCount = s.cells.reduce(0) { $0 + CPUTileLayout.cores(of: $1).reduce(0) { $0 + $1.count } }
        let pcpus = s.cells.reduce(0) { $0 + $1.pcpus.count }
        // CPUs the kernel shows held count as pinned whether or not the
        // derivation already folded them into `effective`.
        let pinned = s.cells.reduce(0) { $0 + $1.pinnedCPUs.intersection($1.pcpus).union(held.intersection($1.pcpus)).count }
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
            Segment("every \(Fmt.seconds(m.interval))s", Style(.dim), priority: 2),
        ]
        if let busy = LiveFigures.hostBusy(host) {
            line1.insert(Segment([.text("CPU ", Style(.label, bold: true)), .meter(used: Int(busy.rounded()), reserved: 0, total: 100, width: 8),
                                  .text(" " + LiveFigures.percent(busy), Style(.value, bold: busy >= 80))], priority: 6), at: 3)
        }
        if let k = LiveFigures.kernelMemory(host) {
            line1.insert(Segment([.text("mem ", Style(.label, bold: true)),
                                  .meter(used: k.used, reserved: max(0, memUsed - k.used), total: k.total, width: 8),
                                  .text(" used \(Fmt.mib(k.used)) · promised \(Fmt.mib(memUsed)) / \(Fmt.mib(k.total))", Style(.normal))],
                                 priority: 4), at: line1.count - 1)
        } else {
            line1.insert(Segment("mem \(Fmt.mib(memUsed))/\(Fmt.mib(mem))", Style(.normal), priority: 4), at: line1.count - 1)
        }
        if m.paused { line1.append(Segment("PAUSED", Style(.warn, bold: true, reverse: true), priority: 7)) }
        if m.readOnly { line1.append(Segment("READ-ONLY", Style(.warn, bold: true), priority: 7)) }
        if let e = m.pollError {
            line1.append(Segment("poll failed: " + SafeText.forScreen(e, ascii: c.ascii), Style(.danger, bold: true), priority: 3))
        }

        var line2: [Segment] = [
            Segment("pinned \(pinned)/\(pcpus) dedicated", Style(pinned > 0 ? .pinned : .normal), priority: 6),
            Segment("free \(pcpus - pinned)", Style(.free), priority: 5),
        ]
        if !held.isEmpty {
            line2.append(Segment("\(held.count) CPU\(held.count == 1 ? "" : "s") held outside claims", Style(.warn, bold: true), priority: 7))
        }
        var sizes: [Int: (used: Int, total: Int)] = [:]
        for cell in s.cells {
            for p in cell.mempages where p.sizeKB > 4 {
                let cur = sizes[p.sizeKB] ?? (0, 0)
                sizes[p.sizeKB] = (cur.used + p.used, cur.total + p.total)
            }
        }
        let live = sizes.keys.sorted().compactMap { kb in pageMeter(host, sizeKB: kb) }
        if !live.isEmpty {
            line2.append(contentsOf: live)
        } else if !sizes.isEmpty {
            let pages = sizes.keys.sorted().map { "\(PageSizeText.short(kb: $0)) \(sizes[$0]?.used ?? 0)/\(sizes[$0]?.total ?? 0)" }
            line2.append(Segment("hugepages " + pages.joined(separator: " "), Style(.normal), priority: 2))
        }
        if !vfs.isEmpty { line2.append(Segment("VFs \(vfsUsed)/\(vfs.count)", Style(.normal), priority: 3)) }
        line2.append(Segment("claims \(host.claims.count)", Style(.normal), priority: 9))
        if stuck > 0 { line2.append(Segment("\(stuck) STUCK", Style(.stuck, bold: true, reverse: true), priority: 10)) }
        let conflicts = LiveFigures.conflictCount(host)
        if conflicts > 0 {
            line2.append(Segment("\(conflicts) CONFLICT\(conflicts == 1 ? "" : "S")", Style(.danger, bold: true, reverse: true), priority: 10))
        }

        place(line1, into: &c, rect: r, row: 0, right: m.clock, glyphs: g)
        place(line2, into: &c, rect: r, row: 1, right: nil, glyphs: g)
    }

    /// Only the clock, where `draw` puts it. The rest of the header does not
    /// depend on the clock except through its width (the room left for the
    /// segments), so this is enough when the width is the same.
    static func drawClock(_ m: DashboardModel, into c: inout Canvas, rect r: Rect) {
        guard m.host != nil else { return }
        clock(m.clock, into: &c, rect: r)
    }

    static func clock(_ right: String, into c: inout Canvas, rect r: Rect) {
        c.text(r.maxX - 1 - right.count, r.y, right, Style(.title, bold: true))
    }

    /// The meter for one page size summed over nodes, `2M ▕███▒░░▏ used 824 ·
    /// promised 100 / 1024`: in use by anyone (the kernel's count) █, then
    /// promised pages not explained by that use ▒; nil when the kernel's
    /// free count was not read for this size.
    static func pageMeter(_ host: HostState, sizeKB kb: Int) -> Segment? {
        var inUse = 0, promised = 0, outside = 0, foreign = 0, total = 0, read = false
        for cell in host.effective.cells {
            guard let pool = cell.mempages.first(where: { $0.sizeKB == kb }) else { continue }
            total += pool.total
            promised += LiveFigures.pagesClaimed(host, node: cell.id, sizeKB: kb)
            outside += LiveFigures.pagesOutside(host, node: cell.id, sizeKB: kb)
            foreign += LiveFigures.pagesForeign(host, node: cell.id, sizeKB: kb)
            if let u = LiveFigures.pagesInUse(host, node: cell.id, sizeKB: kb) {
                inUse += u
                read = true
            }
        }
        guard read else { return nil }
        // Domains' and pods' pages are in use but not the claims'; only
        // use beyond them and the claims is a warning.
        let notYetUsed = max(0, promised - max(0, inUse - outside - foreign))
        return Segment([.text(PageSizeText.short(kb: kb) + " ", Style(.label, bold: true)),
                        .meter(used: inUse, reserved: notYetUsed, total: total, width: 6),
                        .text(" used \(inUse) · promised \(promised) / \(total)", Style(inUse > promised + foreign ? .warn : .normal))],
                       priority: inUse > 0 || promised > 0 ? 3 : 1)
    }

    struct Segment {
        enum Piece {
            case text(String, Style)
            /// `width` cells of bar between the meter's two ends.
            case meter(used: Int, reserved: Int, total: Int, width: Int)

            var width: Int {
                switch self {
                case .text(let t, _): return t.count
                case .meter(_, _, _, let w): return w + 2
                }
            }
        }

        var pieces: [Piece]
        /// Higher stays longer when the line is short of room.
        var priority: Int
        init(_ text: String, _ style: Style, priority: Int) {
            pieces = [.text(text, style)]
            self.priority = priority
        }
        init(_ pieces: [Piece], priority: Int) {
            self.pieces = pieces
            self.priority = priority
        }

        var width: Int { pieces.reduce(0) { $0 + $1.width } }
    }

    /// The segments that fit, chosen by priority and drawn in their order.
    static func place(_ segs: [Segment], into c: inout Canvas, rect r: Rect, row: Int, right: String?, glyphs: Glyphs) {
        let room = r.maxX - 1 - (right.map { $0.count + 2 } ?? 0) - (r.x + 1)
        var used = 0
        var kept = Set<Int>()
        let byPriority = segs.indices.sorted { (segs[$0].priority, -$0) > (segs[$1].priority, -$1) }
        for i in byPriority {
            let w = segs[i].width + (kept.isEmpty ? 0 : 2)
            if used + w <= room {
                kept.insert(i)
                used += w
            }
        }
        var x = r.x + 1
        for (i, seg) in segs.enumerated() where kept.contains(i) {
            for piece in seg.pieces {
                switch piece {
                case .text(let t, let style):
                    x = c.text(x, r.y + row, t, style)
                case .meter(let used, let reserved, let total, let width):
                    Bar.meter(into: &c, x: x, y: r.y + row, width: width, used: used, reserved: reserved, total: total, glyphs: glyphs)
                    x += width + 2
                }
            }
            x += 2
        }
        if let right { clock(right, into: &c, rect: Rect(x: r.x, y: r.y + row, width: r.width, height: 1)) }
    }
}
