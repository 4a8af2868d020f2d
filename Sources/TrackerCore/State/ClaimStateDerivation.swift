/// The one place claim state is derived: snapshot + claims + observations
/// → `HostState` with every live claim's stuck reasons, unverified owners
/// and drift. The CLI (`list`, `check`, `release --stuck`), the ledger and
/// the dashboard all call this, so they cannot disagree. Pure: the probes'
/// findings come in as `Observations`.
public enum ClaimStateDerivation {
    /// The full state. `snapshot` nil (the host could not be probed) judges
    /// owners, TTLs and affinity only; `HostState.snapshot` is then an empty
    /// host.
    public static func derive(snapshot: HostSnapshot?, claims: [Claim], observations: Observations) -> HostState {
        derive(AppliedClaims(snapshot: snapshot, claims: claims), observations: observations)
    }

    /// The full state from claims already applied to the host (see
    /// `AppliedClaims`): what a poller calls while snapshot and claims stay
    /// the same.
    public static func derive(_ base: AppliedClaims, observations seen: Observations) -> HostState {
        let applied = base.applied
        let view = LiveView(snapshot: base.host, claimsOnly: applied.effective, observations: seen,
                            owners: ClaimOwners.of(base.claims, observations: seen), claimedPages: base.claimedPages,
                            confirmedPages: base.confirmedPages)
        var stuck: [String: [StuckReason]] = [:]
        var hidden: [String: OwnerNotVisible] = [:]
        var drift: [Drift] = []
        for claim in base.claims {
            if let pid = claim.consumer.pid, case .unknown(let why)? = seen.processes[pid] {
                hidden[claim.id] = OwnerNotVisible(pid: pid, why: why)
            }
            var reasons = ownerReasons(claim, seen)
            if claim.state == .claimed, seen.now - claim.createdAt > Double(claim.ttlSeconds) {
                reasons.append(.unconfirmedPastTTL(ageSeconds: Int(seen.now - claim.createdAt), ttlSeconds: claim.ttlSeconds))
            }
            reasons += base.resourceStuck[claim.id] ?? []
            if !reasons.isEmpty { stuck[claim.id] = reasons }
            if let d = DriftFinder.affinity(claim, stuck: !reasons.isEmpty, observations: seen) { drift.append(d) }
            drift += base.driverDrift[claim.id] ?? []
        }
        // Pages libvirt domains and kubelet pods hold explain fewer free
        // pages than the claims leave: judged again with them.
        var foreignPages: [PagePoolKey: Int] = [:]
        for pool in view.pools where pool.foreign > 0 { foreignPages[pool.key] = pool.foreign }
        if foreignPages.isEmpty {
            drift += base.poolDrift
        } else if let snapshot = base.snapshot {
            drift += DriftFinder.hugepages(base.claims, snapshot, foreign: foreignPages)
        }
        let findings = HolderJudgement.findings(view: view, claims: base.claims, observations: seen)
            + drift.map { Finding(kind: .drift, resource: $0.kind.rawValue, holders: $0.holders, message: $0.message) }
        return HostState(snapshot: base.host, effective: view.effective, claims: base.claims,
                         cpuOwners: applied.cpuOwners, pciOwners: applied.pciOwners, stuck: stuck,
                         conflicts: applied.conflicts, ownersNotVisible: hidden, drift: drift,
                         holders: base.claimHolders + view.holders, findings: findings,
                         deviceBlockers: view.deviceBlockers, cpuHolders: view.cpuHolders,
                         utilisation: seen.utilisation, live: view)
    }

    private static func ownerReasons(_ claim: Claim, _ seen: Observations) -> [StuckReason] {
        guard let pid = claim.consumer.pid, let liveness = seen.processes[pid] else { return [] }
        switch liveness {
        case .gone:
            return [.ownerExited(pid: pid)]
        case .unknown:
            // Not visible is not gone: never stuck on this evidence.
            return []
        case .alive(let started):
            if let expected = claim.consumer.pidStartTime, expected != started { return [.ownerPidReused(pid: pid)] }
            return []
        }
    }

    /// What `usage` holds that `snapshot` no longer has; `devices` is the
    /// snapshot's devices by address.
    static func goneReasons(_ usage: ClaimUsage, snapshot: HostSnapshot, devices: [String: PCIDevice]) -> [StuckReason] {
        var reasons: [StuckReason] = []
        for cell in usage.cells {
            guard let hostCell = snapshot.cell(id: cell.hostCell) else {
                reasons.append(.resourceGone("NUMA cell \(cell.hostCell)"))
                continue
            }
            let missing = cell.pinnedCPUs.subtracting(hostCell.pcpus)
            if !missing.isEmpty {
                let noun = missing.count == 1 ? "CPU" : "CPUs"
                reasons.append(.resourceGone("dedicated \(noun) \(missing.cpulist) on cell \(cell.hostCell)"))
            }
            if let size = cell.pageSizeKB, cell.pages > 0, !hostCell.mempages.contains(where: { $0.sizeKB == size }) {
                reasons.append(.resourceGone("the \(PageSizeText.short(kb: size)) page pool on cell \(cell.hostCell)"))
            }
        }
        for address in usage.pciDevices where devices[address] == nil {
            reasons.append(.resourceGone("PCI device \(address)"))
        }
        return reasons
    }
}
