import TrackerCore

/// `restrack observe` as text: one line per CPU row, cell, holder and finding.
enum ObserveText {
    static func lines(_ v: ObserveView) -> [String] {
        var out: [String] = []
        let busy = v.hostBusyPct.map { "\(percent($0)) busy" } ?? "load not sampled"
        out.append("host \(v.hostname): \(busy) over \(v.intervalSeconds) s")
        out.append("CPU   CELL  KIND       BUSY  HELD BY")
        for c in v.cpus {
            out.append([pad(String(c.id), 5), pad(String(c.cell), 5), pad(c.dedicated ? "dedicated" : "shared", 10),
                        pad(c.busyPct.map(percent) ?? "-", 5), c.heldBy ?? "-"].joined(separator: " "))
        }
        for cell in v.cells {
            let used = cell.memoryUsedMB.map { "\($0)" } ?? "?"
            let busy = cell.busyPct.map { "\(percent($0)) busy, " } ?? ""
            out.append("cell \(cell.id): \(busy)memory \(used)/\(cell.memoryTotalMB) MiB used")
            for p in cell.pages {
                let free = p.free.map(String.init) ?? "?"
                out.append("  \(PageSizeText.short(kb: p.sizeKB)) pages: \(p.total) total, \(free) free (kernel), "
                           + "\(p.surplus ?? 0) surplus, \(p.reserved) reserved, \(p.claimed) claimed, \(p.outside) outside")
            }
        }
        out.append(v.holders.isEmpty ? "no holders" : "HOLDERS")
        // Grouped by owner kind (claims, libvirt domains, kubelet pods, the
        // kernel, the host), each group in the derivation's order.
        for kind in HolderKind.displayOrder {
            let group = v.holders.filter { $0.kind == kind }
            guard !group.isEmpty else { continue }
            out.append("\(kind.rawValue) (\(group.count))")
            for h in group { out.append("  " + holderLine(h)) }
        }
        for f in v.findings { out.append("\(CheckCommand.label(f.kind)) \(f.message)") }
        return out
    }

    /// One holder: id, name, then what it holds; a foreign owner's state,
    /// uuid or pod uid and floating CPUs too.
    static func holderLine(_ h: Holder) -> String {
        var parts = [h.id, "(\(h.name))"]
        if let f = h.foreign {
            parts.append(f.state.rawValue)
            if let uuid = f.uuid { parts.append("uuid \(uuid)") }
            if let uid = f.podUID, uid != h.name { parts.append("pod uid \(uid)") }
            if f.verified == false { parts.append("unverified") }
        }
        if let pid = h.pid { parts.append("pid \(pid)") }
        if let cg = h.cgroup { parts.append("cgroup \(cg)") }
        if !h.cpus.isEmpty { parts.append("cpus \(h.cpus.cpulist)") }
        if let floating = h.foreign?.floatingCPUs, !floating.isEmpty { parts.append("floating \(floating.cpulist)") }
        if let emulator = h.foreign?.emulatorCPUs, !emulator.isEmpty { parts.append("emulator \(emulator.cpulist)") }
        if !h.memoryMBPerNode.isEmpty {
            parts.append("memory " + h.memoryMBPerNode.keys.sorted().map { "\(h.memoryMBPerNode[$0] ?? 0) MiB on node \($0)" }
                .joined(separator: ", "))
        }
        if !h.pages.isEmpty {
            parts.append("pages " + h.pages.map { "\($0.count)×\(PageSizeText.short(kb: $0.sizeKB)) on node \($0.node)" }
                .joined(separator: ", "))
        }
        if !h.pciDevices.isEmpty { parts.append("devices " + h.pciDevices.joined(separator: ",")) }
        return parts.joined(separator: " ")
    }

    static func percent(_ v: Double) -> String { "\(Int(v.rounded()))%" }

    private static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: n, withPad: " ", startingAt: 0) }
}
