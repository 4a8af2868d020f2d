import TrackerCore

/// Applies live claims to a snapshot to get a `HostState`, for the
/// in-memory service used in tests and `--host` demo runs. The ledger's
/// `Tracker` does this for real runs.
public enum StateBuilder {
    public static func build(snapshot: HostSnapshot, claims: [Claim], now: Double) -> HostState {
        var eff = snapshot
        var cpuOwners: [Int: String] = [:]
        var pciOwners: [String: String] = [:]
        var stuck: [String: [StuckReason]] = [:]
        let live = claims.filter { $0.state.isLive }.sorted { $0.createdAt < $1.createdAt }
        for claim in live {
            var reasons: [StuckReason] = []
            for dc in claim.decision.cells {
                guard let ci = eff.cells.firstIndex(where: { $0.id == dc.hostCell }) else {
                    reasons.append(.resourceGone("cell \(dc.hostCell)"))
                    continue
                }
                for cpu in dc.pinning.values {
                    if !eff.cells[ci].pcpus.contains(cpu) { reasons.append(.resourceGone("CPU \(cpu)")) }
                    eff.cells[ci].pinnedCPUs.insert(cpu)
                    cpuOwners[cpu] = claim.id
                }
                eff.cells[ci].cpuUsage += dc.sharedVCPUCount
                eff.cells[ci].memoryUsageMB += dc.memoryMB
                if let size = dc.pagesizeKB {
                    if let pi = eff.cells[ci].mempages.firstIndex(where: { $0.sizeKB == size }) {
                        eff.cells[ci].mempages[pi].used += (dc.memoryMB * 1024 + size - 1) / size
                    } else {
                        reasons.append(.resourceGone("\(size) KiB page pool on cell \(dc.hostCell)"))
                    }
                }
            }
            for cpu in claim.decision.emulatorCPUs {
                if let ci = eff.cells.firstIndex(where: { $0.pcpus.contains(cpu) }) {
                    eff.cells[ci].pinnedCPUs.insert(cpu)
                } else {
                    reasons.append(.resourceGone("CPU \(cpu)"))
                }
                cpuOwners[cpu] = claim.id
            }
            for addr in claim.decision.pciDevices {
                guard let di = eff.pciDevices.firstIndex(where: { $0.address == addr }) else {
                    reasons.append(.resourceGone("PCI device \(addr)"))
                    continue
                }
                eff.pciDevices[di].status = claim.state == .confirmed ? .allocated : .claimed
                pciOwners[addr] = claim.id
            }
            if claim.state == .claimed {
                let age = Int(now - claim.createdAt)
                if age > claim.ttlSeconds { reasons.append(.unconfirmedPastTTL(ageSeconds: age, ttlSeconds: claim.ttlSeconds)) }
            }
            if !reasons.isEmpty { stuck[claim.id] = reasons }
        }
        // Nova's PF⇄VF rule: a PF in use makes its VFs unavailable; a VF in
        // use makes its PF unavailable.
        let inUse = Set(pciOwners.keys)
        for i in eff.pciDevices.indices where !inUse.contains(eff.pciDevices[i].address) {
            let d = eff.pciDevices[i]
            if d.devType == .vf, let p = d.parentAddr, inUse.contains(p) {
                eff.pciDevices[i].status = .unavailable
            } else if d.devType == .pf,
                      eff.pciDevices.contains(where: { $0.parentAddr == d.address && inUse.contains($0.address) }) {
                eff.pciDevices[i].status = .unavailable
            }
        }
        return HostState(snapshot: snapshot, effective: eff, claims: live, cpuOwners: cpuOwners,
                         pciOwners: pciOwners, stuck: stuck)
    }
}
