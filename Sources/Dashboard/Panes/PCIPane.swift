import TrackerCore

/// PF → VF tree: address, type, names, cell, status, driver, owning claim
/// or other holder (`4121/qemu-kvm`, `host`); per PF "VFs used n/total".
/// Enter opens `DeviceDetail`.
public enum PCIPane {
    public static func statusRole(_ s: PCIDeviceStatus) -> Role {
        switch s {
        case .available: return .free
        case .claimed: return .pinned
        case .allocated: return .used
        case .unavailable: return .dim
        case .unclaimable: return .offline
        }
    }

    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect, glyphs g: Glyphs) {
        let focused = m.focus == .pci
        let rows = PCIRow.rows(m)
        var title = PaneID.pci.title
        if let host = m.host {
            let d = host.effective.pciDevices
            title += "  \(d.filter { $0.devType == .pf }.count) PF · \(d.filter { $0.devType == .vf }.count) VF · \(host.pciOwners.count) held"
        }
        let inner = PaneFrame.draw(into: &c, rect: r, title: title, focused: focused, glyphs: g)
        guard let host = m.host, !inner.isEmpty else { return }
        if rows.isEmpty {
            c.hostText(inner.x + 1, inner.y, m.filter.isEmpty ? "no PCI devices tracked" : "no device matches '\(m.filter)'",
                       Style(.dim), maxWidth: inner.width - 1, clip: inner)
            return
        }
        let sel = min(max(0, m.pciIndex), rows.count - 1)
        let scroll = PaneFrame.scroll(selected: sel, current: m.pciScroll, rows: inner.height, count: rows.count)
        let wide = inner.width >= 70
        let shown = rows[scroll..<min(rows.count, scroll + inner.height)]
        // The owner and driver columns are as wide as their longest text on
        // screen, so names get the room when nothing is held or bound.
        let ownerWidth = min(20, shown.map { ownerText($0, host: host, wide: wide, ascii: c.ascii).text.count }.max() ?? 0)
        let driverWidth = min(10, shown.map { $0.device.driver.map { SafeText.forScreen($0, ascii: c.ascii).count } ?? 0 }.max() ?? 0)
        for (n, row) in rows[scroll..<min(rows.count, scroll + inner.height)].enumerated() {
            let y = inner.y + n
            let i = scroll + n
            let d = row.device
            let selected = focused && i == sel
            if selected { c.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), " ", Style(.selected)) }
            func st(_ role: Role, bold: Bool = false) -> Style { selected ? Style(.selected, bold: bold) : Style(role, bold: bold) }
            var x = inner.x
            switch row.kind {
            case .pf(_, _, let expanded):
                c.put(x, y, expanded ? g.expanded : g.collapsed, st(.label))
                x += 2
            case .vf(let last):
                c.put(x + 1, y, last ? g.lastBranch : g.branch, st(.box))
                x += 3
            case .plain:
                x += 2
            }
            x = c.hostText(x, y, d.address, st(.value, bold: row.kindIsPF), maxWidth: inner.maxX - x, clip: inner) + 1
            let type: String = switch d.devType { case .pf: "PF"; case .vf: "VF"; case .pci: "PCI" }
            x = c.text(x, y, Fmt.left(type, 3), st(.label), clip: inner) + 1
            // Right-hand columns are laid out from the right edge; the name
            // takes what is left, so nothing ever crosses the border.
            let owner = ownerText(row, host: host, wide: wide, ascii: c.ascii)
            // (display order, width, text, style), kept by priority while they fit.
            var cols: [(order: Int, width: Int, text: String, style: Style)] = []
            var candidates: [(Int, Int, String, Style)] = []
            if case .pf(let used, let total, _) = row.kind {
                let t = "VFs \(used)/\(total)"
                candidates.append((0, t.count, t, st(used > 0 ? .pinned : .dim)))
            }
            // Narrow, the owner column rarely fits beside the status: a
            // holder other than a claim (or the host's block) takes the
            // status's place, as it says more than "unavailable".
            let others = LiveFigures.deviceHolders(d.address, host).map(LiveFigures.shortLabel).joined(separator: ",")
            if !wide && !others.isEmpty {
                let clash = host.pciOwners[d.address] != nil || LiveFigures.conflicted(host).devices.contains(d.address)
                candidates.append((2, 11, others, st(clash ? .danger : .warn, bold: true)))
            } else if !wide && host.deviceBlockers[d.address] != nil && host.pciOwners[d.address] == nil {
                candidates.append((2, 11, "blocked", st(.warn, bold: true)))
            } else {
                candidates.append((2, 11, Fmt.left(d.status.rawValue, 11), st(statusRole(d.status), bold: d.status == .claimed)))
            }
            candidates.append((1, 3, Fmt.right(d.numaNode.map { "c\($0)" } ?? "-", 3), st(.label)))
            if ownerWidth > 0 {
                candidates.append((4, wide ? ownerWidth : min(12, ownerWidth), owner.text, st(owner.role)))
            }
            if driverWidth > 0 {
                candidates.append((3, driverWidth, d.driver ?? "-", st(d.driver == nil ? .dim : .label)))
            }
            var room = inner.maxX - x
            for cand in candidates where cand.1 + 1 <= room {
                cols.append((cand.0, cand.1, cand.2, cand.3))
                room -= cand.1 + 1
            }
            var rx = inner.maxX
            for col in cols.sorted(by: { $0.order > $1.order }) {
                rx -= col.width
                c.hostText(rx, y, col.text, col.style, maxWidth: col.width, clip: inner)
                rx -= 1
            }
            let nameW = rx - 1 - x
            if nameW > 3 {
                // The device name says more than the vendor in a narrow
                // column; the vendor is in the drill-down.
                var name = d.deviceName ?? d.vendorName.map(shortVendor) ?? ""
                if name.isEmpty { name = "\(d.vendorID):\(d.productID)" }
                c.hostText(x, y, name, st(.normal), maxWidth: nameW, clip: inner)
            }
        }
        if rows.count > inner.height {
            PaneFrame.counter("\(sel + 1)/\(rows.count)", into: &c, rect: r)
        }
    }

    /// The owner column: the claim (`c1 vm-42`, plus `& host` or a process
    /// when another holder has it too), else the holders (`4121/qemu-kvm`,
    /// `host`), else `not claimable` when the host blocks it, else Nova's
    /// PF⇄VF hint. Host text, sanitised here.
    static func ownerText(_ row: PCIRow, host: HostState, wide: Bool, ascii: Bool) -> (text: String, role: Role) {
        let d = row.device
        let others = LiveFigures.deviceHolders(d.address, host).map(LiveFigures.shortLabel).joined(separator: ",")
        if let id = host.pciOwners[d.address] {
            let name = host.claims.first { $0.id == id }?.consumer.name ?? ""
            var t = wide ? "\(id) \(name)" : id
            if !others.isEmpty { t += " & " + others }
            return (SafeText.forScreen(t, ascii: ascii), others.isEmpty ? .pinned : .danger)
        }
        if !others.isEmpty {
            // A VM's VF in a pod too, or in a VM whose PF another holds: danger.
            let clash = LiveFigures.conflicted(host).devices.contains(d.address)
            return (SafeText.forScreen(others, ascii: ascii), clash ? .danger : .warn)
        }
        if host.deviceBlockers[d.address] != nil { return ("not claimable", .warn) }
        return (statusHint(row, host: host), .dim)
    }

    /// Why a device is unavailable or unclaimable without an owner of its
    /// own: Nova's PF⇄VF rule (a claimed PF makes its VFs unclaimable, an
    /// allocated one unavailable, and the other way round).
    static func statusHint(_ row: PCIRow, host: HostState) -> String {
        let d = row.device
        guard d.status == .unavailable || d.status == .unclaimable else { return "" }
        if d.devType == .vf, let p = d.parentAddr, let owner = host.pciOwners[p] { return "PF held by \(owner)" }
        if d.devType == .pf { return "VFs in use" }
        return ""
    }

    /// "Intel Corporation" → "Intel": the column is narrow.
    static func shortVendor(_ v: String) -> String {
        for suffix in [" Corporation", " Corp.", " Inc.", " Technologies", " Ltd."] where v.hasSuffix(suffix) {
            return String(v.dropLast(suffix.count))
        }
        return v
    }
}

extension PCIRow {
    var kindIsPF: Bool { if case .pf = kind { return true } else { return false } }
    var usedVFs: Int { if case .pf(let u, _, _) = kind { return u } else { return 0 } }
}
