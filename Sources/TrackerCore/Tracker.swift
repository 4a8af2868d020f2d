/// Claims applied to a snapshot → `HostState`, and the pure claim
/// transitions. No I/O: process liveness and the clock are passed in.
///
/// The accounting follows Nova: `hardware.numa_usage_from_instance_numa`
/// (shared vCPU and memory usage per cell, pinned CPUs, emulator CPUs),
/// `_numa_pagesize_usage_from_cell` (pages per pool, the smallest page size
/// for guests that asked for none), `NUMACell.pin_cpus_with_siblings` (an
/// `isolate` guest holds whole cores) and `objects/pci_device.py`
/// `claim`/`allocate` (PF⇄VF status rules).
public enum Tracker {
    /// pid → alive (with its start time, field 22 of `/proc/PID/stat`), gone,
    /// or unknown (the reader may not look at it: `hidepid`, namespaces).
    public typealias ProcessStartTime = (Int32) -> ProcessLiveness

    /// One live claim's holding, as the ledger's fast path loads it (without
    /// decoding the whole claim).
    public struct Holding: Hashable, Sendable {
        public var claimID: String
        public var state: ClaimState
        public var usage: ClaimUsage
        /// Host cells where the request named a page size, so the fitter
        /// counted its pages. Elsewhere the pages are charged to the smallest
        /// pool but gated by the cell's memory (times `ram_allocation_ratio`,
        /// hugepage memory included, as in Nova), so their sum may exceed that
        /// pool without anything having left the host.
        public var pageSizeCells: Set<Int>

        public init(claimID: String, state: ClaimState, usage: ClaimUsage, pageSizeCells: Set<Int> = []) {
            self.claimID = claimID
            self.state = state
            self.usage = usage
            self.pageSizeCells = pageSizeCells
        }
    }

    // MARK: - Decision → usage

    /// The host resources `decision` holds for `request` on `snapshot`.
    ///
    /// - Pinned vCPUs' host CPUs and the emulator CPUs on the cell are
    ///   pinned; with `cpu_thread_policy: isolate` every sibling thread of
    ///   those cores is held too (only dedicated ones: a shared sibling
    ///   cannot be pinned, and the contract leaves refusing such a cell to
    ///   the fitter).
    /// - Unpinned vCPUs count as shared usage of the cell (Nova charges
    ///   `len(instance_cell.cpuset)`, which holds only the unpinned vCPUs).
    /// - Memory comes from the requested page size, else the cell's smallest
    ///   pool, as Nova does; pages are rounded up, which only matters for a
    ///   size Nova itself would refuse (it requires whole pages).
    /// - A decision with no cells (a shared guest with no NUMA topology)
    ///   floats: it counts against the host-wide totals only.
    public static func usage(of decision: Decision, for request: Request, on snapshot: HostSnapshot) -> ClaimUsage {
        var result = ClaimUsage(pciDevices: decision.pciDevices)
        guard decision.fits else { return result }
        for dev in snapshot.pciDevices where decision.pciDevices.contains(dev.address) {
            if let driver = dev.driver { result.pciDrivers[dev.address] = driver }
        }
        if decision.cells.isEmpty {
            result.floatingVCPUs = request.vcpus
            result.floatingMemoryMB = request.memoryMB
            return result
        }
        let emulator = CPUSet(decision.emulatorCPUs)
        var emulatorPlaced = CPUSet()
        for dc in decision.cells {
            let hostCell = snapshot.cell(id: dc.hostCell)
            var cell = ClaimUsage.Cell(hostCell: dc.hostCell, sharedVCPUs: dc.sharedVCPUCount, memoryMB: dc.memoryMB)
            var pinned = CPUSet(dc.pinning.values)
            if let hostCell {
                let here = emulator.intersection(hostCell.pcpus).subtracting(emulatorPlaced)
                pinned.formUnion(here)
                emulatorPlaced.formUnion(here)
                if request.cpuThreadPolicy == .isolate, !pinned.isEmpty {
                    for group in hostCell.siblings where !group.isDisjoint(with: pinned) {
                        pinned.formUnion(group.intersection(hostCell.pcpus))
                    }
                }
                let pageSize = dc.pagesizeKB ?? hostCell.mempages.map(\.sizeKB).min()
                if let pageSize, pageSize > 0 {
                    cell.pageSizeKB = pageSize
                    cell.pages = (dc.memoryMB * 1024 + pageSize - 1) / pageSize
                }
            } else if let size = dc.pagesizeKB, size > 0 {
                cell.pageSizeKB = size
                cell.pages = (dc.memoryMB * 1024 + size - 1) / size
            }
            cell.pinnedCPUs = pinned
            result.cells.append(cell)
        }
        // Emulator CPUs on no cell's dedicated set still belong to the claim;
        // keep them on its first cell so the stuck check can name them.
        let stray = emulator.subtracting(emulatorPlaced)
        if !stray.isEmpty, !result.cells.isEmpty {
            result.cells[0].pinnedCPUs.formUnion(stray)
        }
        return result
    }

    // MARK: - Claims → state

    /// `snapshot` with every holding applied: the host a new request is fitted
    /// against. The ledger's claim transaction calls this with holdings loaded
    /// from its index, so it never decodes whole claims.
    public static func effective(_ snapshot: HostSnapshot, holdings: [Holding]) -> HostSnapshot {
        apply(holdings, to: snapshot).effective
    }

    /// The full picture: effective host, owners, conflicts and stuck claims.
    /// `claims` may include ended ones; only live claims are applied.
    /// `processStartTime` nil skips the owner checks (nothing is known about
    /// processes); `now` is seconds since the Unix epoch.
    public static func state(snapshot: HostSnapshot, claims: [Claim], now: Double,
                             processStartTime: ProcessStartTime?) -> HostState {
        let live = claims.filter { $0.state.isLive }.sorted {
            ($0.createdAt, $0.id) < ($1.createdAt, $1.id)
        }
        let applied = apply(live.map { claim in
            Holding(claimID: claim.id, state: claim.state, usage: claim.usage,
                    pageSizeCells: Set(claim.decision.cells.filter { $0.pagesizeKB != nil }.map(\.hostCell)))
        }, to: snapshot)
        var stuck: [String: [StuckReason]] = [:]
        var hidden: [String: OwnerNotVisible] = [:]
        for claim in live {
            if let n = ownerNotVisible(claim, processStartTime: processStartTime) { hidden[claim.id] = n }
            var reasons = ownerAndTTLReasons(claim, now: now, processStartTime: processStartTime)
            reasons += goneReasons(claim.usage, snapshot: snapshot)
            reasons += applied.shrunk[claim.id] ?? []
            if !reasons.isEmpty { stuck[claim.id] = reasons }
        }
        return HostState(snapshot: snapshot, effective: applied.effective, claims: live, cpuOwners: applied.cpuOwners,
                         pciOwners: applied.pciOwners, stuck: stuck, conflicts: applied.conflicts,
                         ownersNotVisible: hidden)
    }

    /// The stuck reasons that need no snapshot (owner gone or replaced, TTL):
    /// what `list` can still say when the host cannot be probed.
    public static func ownerAndTTLReasons(_ claim: Claim, now: Double, processStartTime: ProcessStartTime?) -> [StuckReason] {
        guard claim.state.isLive else { return [] }
        var reasons = ownerReasons(claim, processStartTime: processStartTime)
        if claim.state == .claimed, now - claim.createdAt > Double(claim.ttlSeconds) {
            reasons.append(.unconfirmedPastTTL(ageSeconds: Int(now - claim.createdAt), ttlSeconds: claim.ttlSeconds))
        }
        return reasons
    }

    /// A live claim whose owner pid this reader cannot see: not stuck (the
    /// owner may well be running), but shown, so an operator knows the
    /// owner check was not made and can run restrack as root to make it.
    public static func ownerNotVisible(_ claim: Claim, processStartTime: ProcessStartTime?) -> OwnerNotVisible? {
        guard claim.state.isLive, let pid = claim.consumer.pid, let processStartTime,
              case .unknown(let why) = processStartTime(pid) else { return nil }
        return OwnerNotVisible(pid: pid, why: why)
    }

    private static func ownerReasons(_ claim: Claim, processStartTime: ProcessStartTime?) -> [StuckReason] {
        guard let pid = claim.consumer.pid, let processStartTime else { return [] }
        switch processStartTime(pid) {
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

    private static func goneReasons(_ usage: ClaimUsage, snapshot: HostSnapshot) -> [StuckReason] {
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
        let present = Set(snapshot.pciDevices.map(\.address))
        for address in usage.pciDevices where !present.contains(address) {
            reasons.append(.resourceGone("PCI device \(address)"))
        }
        return reasons
    }

    private struct Applied {
        var effective: HostSnapshot
        var cpuOwners: [Int: String] = [:]
        var pciOwners: [String: String] = [:]
        var conflicts: [String] = []
        var shrunk: [String: [StuckReason]] = [:]
    }

    /// The one place holdings become usage. Resources the host no longer has
    /// stay owned by their claim (so `list` shows them and nothing else gets
    /// them when they come back) but are not added to the effective host,
    /// whose pinned CPUs must stay within its dedicated set.
    private static func apply(_ holdings: [Holding], to snapshot: HostSnapshot) -> Applied {
        var out = Applied(effective: snapshot)
        var cellIndex: [Int: Int] = [:]
        for (i, c) in snapshot.cells.enumerated() { cellIndex[c.id] = i }
        var floatingVCPUs = 0
        var floatingMemoryMB = 0
        // (cell, page size) → pages the snapshot leaves for guests that
        // asked for a page size, consumed oldest claim first so the newest
        // claims are the ones flagged.
        var pagesLeft: [PoolKey: Int] = [:]
        for cell in snapshot.cells {
            for pool in cell.mempages {
                pagesLeft[PoolKey(cell: cell.id, sizeKB: pool.sizeKB)] = pool.total - pool.reserved - pool.used
            }
        }

        for holding in holdings {
            let id = holding.claimID
            floatingVCPUs += holding.usage.floatingVCPUs
            floatingMemoryMB += holding.usage.floatingMemoryMB
            for cu in holding.usage.cells {
                for cpu in cu.pinnedCPUs {
                    if let other = out.cpuOwners[cpu] {
                        out.conflicts.append("CPU \(cpu) is promised to both claim \(other) and claim \(id)")
                        continue
                    }
                    out.cpuOwners[cpu] = id
                    if snapshot.cells.contains(where: { $0.pinnedCPUs.contains(cpu) }) {
                        out.conflicts.append("CPU \(cpu) is held by claim \(id) but the host snapshot already shows it pinned")
                    }
                }
                guard let ci = cellIndex[cu.hostCell] else { continue }
                out.effective.cells[ci].pinnedCPUs.formUnion(cu.pinnedCPUs.intersection(snapshot.cells[ci].pcpus))
                out.effective.cells[ci].cpuUsage += cu.sharedVCPUs
                out.effective.cells[ci].memoryUsageMB += cu.memoryMB
                guard let size = cu.pageSizeKB, cu.pages > 0,
                      let pi = out.effective.cells[ci].mempages.firstIndex(where: { $0.sizeKB == size })
                else { continue }
                out.effective.cells[ci].mempages[pi].used += cu.pages
                // Only pages the fitter counted can show a shrink.
                guard holding.pageSizeCells.contains(cu.hostCell) else { continue }
                let key = PoolKey(cell: cu.hostCell, sizeKB: size)
                let left = pagesLeft[key] ?? 0
                if cu.pages > left {
                    out.shrunk[id, default: []].append(
                        .poolShrunk(cell: cu.hostCell, sizeKB: size, missingPages: cu.pages - Swift.max(0, left)))
                }
                pagesLeft[key] = left - cu.pages
            }
        }
        spreadFloating(vcpus: floatingVCPUs, memoryMB: floatingMemoryMB, over: &out.effective)
        applyPCI(holdings, snapshot: snapshot, into: &out)
        return out
    }

    private struct PoolKey: Hashable {
        var cell: Int
        var sizeKB: Int
    }

    /// Floating guests have no cell, but the fitter's host-wide gate sums the
    /// cells' usage (as Placement sums VCPU and MEMORY_MB), so their usage is
    /// spread over the cells in proportion to each cell's shared CPUs and
    /// memory. The sums are exact; per cell this is conservative: a NUMA
    /// guest sees a little less room than Nova, which ignores floating guests
    /// per cell, would give it.
    private static func spreadFloating(vcpus: Int, memoryMB: Int, over host: inout HostSnapshot) {
        guard !host.cells.isEmpty else { return }
        let cpuWeights = host.cells.map { $0.cpus.count }
        let memWeights = host.cells.map { $0.memoryMB }
        for (i, share) in proportional(vcpus, weights: cpuWeights).enumerated() { host.cells[i].cpuUsage += share }
        for (i, share) in proportional(memoryMB, weights: memWeights).enumerated() { host.cells[i].memoryUsageMB += share }
    }

    /// `total` split by `weights` (equal split when they sum to zero), the
    /// rounding remainder going to the first cells so the parts sum to `total`.
    static func proportional(_ total: Int, weights: [Int]) -> [Int] {
        guard total > 0, !weights.isEmpty else { return Array(repeating: 0, count: weights.count) }
        let sum = weights.reduce(0, +)
        let w = sum > 0 ? weights : Array(repeating: 1, count: weights.count)
        let wsum = sum > 0 ? sum : weights.count
        var parts = w.map { total * $0 / wsum }
        var rest = total - parts.reduce(0, +)
        var i = 0
        while rest > 0 {
            if w[i % w.count] > 0 { parts[i % w.count] += 1; rest -= 1 }
            i += 1
        }
        return parts
    }

    /// Nova's `PciDevice.claim`/`allocate` rules, derived from the current
    /// holdings instead of replayed: a held device is `claimed` (claim not yet
    /// confirmed) or `allocated`; a held PF makes its VFs `unclaimable`
    /// (PF claimed) or `unavailable` (PF allocated); a held VF makes its PF
    /// `unclaimable`, or `unavailable` once any of its VFs is allocated.
    private static func applyPCI(_ holdings: [Holding], snapshot: HostSnapshot, into out: inout Applied) {
        var index: [String: Int] = [:]
        for (i, d) in snapshot.pciDevices.enumerated() { index[d.address] = i }
        var heldState: [String: ClaimState] = [:]
        for holding in holdings {
            for address in holding.usage.pciDevices {
                if let other = out.pciOwners[address] {
                    out.conflicts.append("PCI device \(address) is promised to both claim \(other) and claim \(holding.claimID)")
                    continue
                }
                out.pciOwners[address] = holding.claimID
                heldState[address] = holding.state
                guard let i = index[address] else { continue }
                let before = snapshot.pciDevices[i].status
                if before != .available {
                    out.conflicts.append(
                        "PCI device \(address) is held by claim \(holding.claimID) but the host snapshot shows it \(before.rawValue)")
                }
                out.effective.pciDevices[i].status = holding.state == .confirmed ? .allocated : .claimed
            }
        }
        for (address, state) in heldState {
            guard let i = index[address] else { continue }
            let dev = snapshot.pciDevices[i]
            switch dev.devType {
            case .pf:
                for (j, vf) in snapshot.pciDevices.enumerated() where vf.devType == .vf && vf.parentAddr == address {
                    if let owner = out.pciOwners[vf.address] {
                        out.conflicts.append(
                            "PF \(address) (claim \(out.pciOwners[address] ?? "?")) and its VF \(vf.address) (claim \(owner)) are both held")
                        continue
                    }
                    let target: PCIDeviceStatus = state == .confirmed ? .unavailable : .unclaimable
                    if out.effective.pciDevices[j].status != .unavailable { out.effective.pciDevices[j].status = target }
                }
            case .vf:
                guard let parent = dev.parentAddr, let p = index[parent], heldState[parent] == nil else { continue }
                let current = out.effective.pciDevices[p].status
                if state == .confirmed {
                    out.effective.pciDevices[p].status = .unavailable
                } else if current == .available {
                    out.effective.pciDevices[p].status = .unclaimable
                }
            case .pci:
                break
            }
        }
    }

    // MARK: - Transitions

    /// A new claim for a fitting decision.
    public static func claim(id: String, consumer: Consumer, request: Request, decision: Decision, on snapshot: HostSnapshot,
                             at now: Double, ttlSeconds: Int, note: String?, confirmed: Bool = false)
        throws(ClaimTransitionError) -> Claim {
        guard decision.fits else {
            throw ClaimTransitionError(claimID: id, action: .claim, from: nil,
                                       problem: "the request does not fit: \(decision.reason ?? "no reason given")")
        }
        return Claim(id: id, consumer: consumer, request: request, decision: decision,
                     usage: usage(of: decision, for: request, on: snapshot), state: confirmed ? .confirmed : .claimed,
                     createdAt: now, confirmedAt: confirmed ? now : nil, ttlSeconds: ttlSeconds, note: note)
    }

    /// claimed → confirmed: the consumer really started (Nova's claimed → allocated).
    public static func confirm(_ claim: Claim, at now: Double) throws(ClaimTransitionError) -> Claim {
        guard claim.state == .claimed else { throw ClaimTransitionError(claimID: claim.id, action: .confirm, from: claim.state) }
        var c = claim
        c.state = .confirmed
        c.confirmedAt = now
        return c
    }

    /// claimed or confirmed → released: the consumer is done.
    public static func release(_ claim: Claim, at now: Double) throws(ClaimTransitionError) -> Claim {
        guard claim.state.isLive else { throw ClaimTransitionError(claimID: claim.id, action: .release, from: claim.state) }
        var c = claim
        c.state = .released
        c.endedAt = now
        return c
    }

    /// claimed → aborted: dropped before the consumer started. A confirmed
    /// claim is released, not aborted, so the audit says which happened.
    public static func abort(_ claim: Claim, at now: Double) throws(ClaimTransitionError) -> Claim {
        guard claim.state == .claimed else { throw ClaimTransitionError(claimID: claim.id, action: .abort, from: claim.state) }
        var c = claim
        c.state = .aborted
        c.endedAt = now
        return c
    }
}
