import TrackerCore

/// The full record of one PCI device (Enter on a PCI row): ids, class,
/// driver, IOMMU group, interfaces, locality, SR-IOV counts, why it cannot
/// be claimed now, the claims, processes (VFIO users) and host uses holding
/// it, and whether PF and VFs agree.
public enum DeviceDetail {
    public static func lines(address: String, host: HostState, glyphs g: Glyphs) -> [(String, String, Role)] {
        guard let d = host.effective.pciDevices.first(where: { $0.address == address }) else {
            return [("device", "\(address) is no longer on the host", .danger)]
        }
        let base = host.snapshot.pciDevices.first { $0.address == address }
        var out: [(String, String, Role)] = []
        func add(_ k: String, _ v: String?, _ role: Role = .value) { out.append((k, v ?? "-", role)) }
        add("address", d.address)
        let type: String = switch d.devType {
        case .pf: "type-PF (SR-IOV physical function)"
        case .vf: "type-VF (virtual function of \(d.parentAddr ?? "?"))"
        case .pci: "type-PCI (whole device)"
        }
        add("type", type)
        add("vendor", "\(d.vendorID)  \(d.vendorName ?? "")")
        add("device", "\(d.productID)  \(d.deviceName ?? "")")
        if d.subsystemVendorID != nil || d.subsystemName != nil {
            add("subsystem", "\(d.subsystemVendorID ?? "?"):\(d.subsystemDeviceID ?? "?")  \(d.subsystemName ?? "")")
        }
        add("class", [d.classCode, d.className].compactMap { $0 }.joined(separator: "  "))
        add("driver", d.driver ?? "none bound", d.driver == nil ? .warn : .value)
        add("IOMMU group", d.iommuGroup.map(String.init) ?? "none (no IOMMU isolation)", d.iommuGroup == nil ? .warn : .value)
        add("net", d.netInterfaces.map { $0.isEmpty ? "-" : $0.joined(separator: ", ") })
        add("physnet", d.physicalNetwork)
        add("NUMA node", d.numaNode.map(String.init) ?? "none reported (-1)")
        add("status", base.map { $0.status == d.status ? d.status.rawValue : "\(d.status.rawValue) (host reported \($0.status.rawValue))" },
            PCIPane.statusRole(d.status))
        if let why = host.deviceBlockers[address] { add("not claimable", why, .danger) }
        if let owner = host.pciOwners[address] {
            let c = host.claims.first { $0.id == owner }
            add("held by", "\(owner) · \(c?.consumer.name ?? "?") · \(c?.state.rawValue ?? "?")", .pinned)
        }
        let holders = LiveFigures.deviceHolders(address, host)
        for h in holders where h.kind == .host { add("used by host", h.name, .warn) }
        let users = holders.filter { $0.kind != .host && $0.pid != nil }
        if !users.isEmpty || d.driver == "vfio-pci" {
            let conflict = host.pciOwners[address] != nil && !users.isEmpty
            add("vfio users", users.isEmpty ? "none" : users.map(\.label).joined(separator: ", "),
                conflict ? .danger : (users.isEmpty ? .value : .warn))
        }
        for h in holders where h.kind != .host && h.pid == nil { add("holder", "\(h.label) · \(h.kind.rawValue)", .warn) }
        let vfs = host.effective.pciDevices.filter { $0.parentAddr == address }
        if d.devType == .pf {
            add("SR-IOV", "numvfs \(d.sriovNumVFs.map(String.init) ?? "?") / totalvfs \(d.sriovTotalVFs.map(String.init) ?? "?") · \(vfs.count) VFs tracked")
            let held = vfs.compactMap { host.pciOwners[$0.address] }
            add("VFs in use", held.isEmpty ? "none" : "\(held.count): claims \(Array(Set(held)).sorted().joined(separator: " "))",
                held.isEmpty ? .value : .pinned)
        }
        for (ok, text) in consistency(d, vfs: vfs, host: host) {
            add("consistency", "\(ok ? g.ok : g.bad) \(text)", ok ? .ok : .danger)
        }
        return out
    }

    /// PF/VF agreement checks an operator would otherwise do by hand in sysfs.
    static func consistency(_ d: PCIDevice, vfs: [PCIDevice], host: HostState) -> [(Bool, String)] {
        var out: [(Bool, String)] = []
        switch d.devType {
        case .pf:
            if let n = d.sriovNumVFs {
                out.append(n == vfs.count ? (true, "sriov_numvfs \(n) matches the VFs listed")
                                          : (false, "sriov_numvfs is \(n) but \(vfs.count) VFs are listed"))
            }
            if let n = d.sriovNumVFs, let t = d.sriovTotalVFs, n > t { out.append((false, "numvfs \(n) exceeds totalvfs \(t)")) }
            let far = vfs.filter { $0.numaNode != d.numaNode }.count
            if far > 0 { out.append((false, "\(far) VFs report a NUMA node other than the PF's")) }
            if host.pciOwners[d.address] != nil && vfs.contains(where: { host.pciOwners[$0.address] != nil }) {
                out.append((false, "PF and some of its VFs are both held"))
            }
        case .vf:
            guard let p = d.parentAddr, let pf = host.effective.pciDevices.first(where: { $0.address == p }) else {
                out.append((false, "parent PF \(d.parentAddr ?? "?") is not on the host"))
                return out
            }
            out.append(pf.numaNode == d.numaNode ? (true, "same NUMA node as PF \(p)") : (false, "NUMA node differs from PF \(p)"))
            if let owner = host.pciOwners[p] { out.append((false, "PF is held by \(owner): this VF is unavailable")) }
        case .pci:
            break
        }
        return out
    }

    public static func draw(address: String, scroll: Int, host: HostState?, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let inner = DialogFrame.open(into: &c, over: area, width: DetailView.box(area: area).width,
                                     height: DetailView.box(area: area).height,
                                     title: "PCI \(address)", glyphs: g)
        guard let host else { return }
        let rows = lines(address: address, host: host, glyphs: g)
        let start = max(0, min(scroll, rows.count - DetailView.visibleRows(area: area)))
        for (i, row) in rows.dropFirst(start).prefix(DetailView.visibleRows(area: area)).enumerated() {
            c.text(inner.x, inner.y + i, Fmt.left(row.0, 13), Style(.label, bold: true))
            c.hostText(inner.x + 14, inner.y + i, row.1, Style(row.2), maxWidth: inner.width - 14)
        }
        c.text(inner.x, inner.maxY - 1, "Esc back · ↑↓ PgUp PgDn Home End scroll", Style(.dim))
    }
}
