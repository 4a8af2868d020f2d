import TrackerCore

/// One line of the PCI tree.
public struct PCIRow: Hashable, Sendable {
    /// `expanded`: VFs are listed under the PF (drawn ▾), which a filter
    /// can do for a PF that is collapsed in the model.
    public enum Kind: Hashable, Sendable { case pf(vfsUsed: Int, vfsTotal: Int, expanded: Bool), vf(last: Bool), plain }
    public var kind: Kind
    public var device: PCIDevice

    /// PFs with their VFs (when expanded), then plain devices and VFs whose
    /// PF is not on the host. With a filter, a PF stays when it or one of
    /// its VFs matches, and matching VFs show even under a collapsed PF.
    public static func rows(_ m: DashboardModel) -> [PCIRow] {
        guard let host = m.host else { return [] }
        let devs = host.effective.pciDevices.sorted { $0.address < $1.address }
        let byParent = Dictionary(grouping: devs.filter { $0.devType == .vf && $0.parentAddr != nil }) { $0.parentAddr ?? "" }
        let addresses = Set(devs.map(\.address))
        let f = m.filter.lowercased()
        func matches(_ d: PCIDevice) -> Bool {
            guard !f.isEmpty else { return true }
            let owner = host.pciOwners[d.address] ?? ""
            let consumer = host.claims.first { $0.id == owner }?.consumer.name ?? ""
            let holders = LiveFigures.deviceHolders(d.address, host).flatMap { [LiveFigures.shortLabel($0), $0.name] }
            return ([d.address, d.vendorName ?? "", d.deviceName ?? "", d.status.rawValue, owner, consumer,
                     d.devType.rawValue, d.driver ?? ""] + holders).contains { $0.lowercased().contains(f) }
        }
        var out: [PCIRow] = []
        for d in devs where d.devType == .pf {
            let vfs = byParent[d.address] ?? []
            let used = vfs.filter { host.pciOwners[$0.address] != nil }.count
            let shownVFs = vfs.filter(matches)
            guard matches(d) || !shownVFs.isEmpty else { continue }
            let expanded = m.isExpanded(d.address)
            let list = expanded ? (f.isEmpty || matches(d) ? vfs : shownVFs) : (f.isEmpty ? [] : shownVFs)
            // The glyph says what the rows below show: a collapsed PF whose
            // VFs match the filter lists them, so it is drawn open.
            let open = expanded || !list.isEmpty
            out.append(PCIRow(kind: .pf(vfsUsed: used, vfsTotal: vfs.count, expanded: open), device: d))
            for (i, v) in list.enumerated() { out.append(PCIRow(kind: .vf(last: i == list.count - 1), device: v)) }
        }
        for d in devs where d.devType == .pci || (d.devType == .vf && !addresses.contains(d.parentAddr ?? "")) {
            if matches(d) { out.append(PCIRow(kind: .plain, device: d)) }
        }
        return out
    }
}
