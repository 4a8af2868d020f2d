/// Promised versus real, for `ClaimStateDerivation`: owners that may run
/// outside their pinned CPUs, held devices rebound to another driver, and
/// hugepage pools with fewer free pages than the ledger leaves.
enum DriftFinder {
    /// Affinity: only for an owner that is alive and really the owner
    /// (otherwise the claim is stuck, which says more). Running on a subset
    /// of the held CPUs is fine (an isolate guest leaves the sibling threads
    /// idle); running anywhere else is not.
    static func affinity(_ claim: Claim, stuck: Bool, observations seen: Observations) -> Drift? {
        guard let pid = claim.consumer.pid, !stuck, seen.processes[pid]?.startTime != nil,
              let allowed = seen.affinities[pid] else { return nil }
        let held = claim.usage.pinnedCPUs
        guard !held.isEmpty, !allowed.isSubset(of: held) else { return nil }
        return Drift(kind: .affinity, claimID: claim.id,
                     detail: "owner pid \(pid) may run on CPUs \(allowed.cpulist), not only its pinned CPUs \(held.cpulist)")
    }

    /// Held devices now bound to no driver or to another one; `devices` is
    /// the snapshot's devices by address.
    static func drivers(_ claim: Claim, devices: [String: PCIDevice]) -> [Drift] {
        var drift: [Drift] = []
        for (address, driver) in claim.usage.pciDrivers.sorted(by: { $0.key < $1.key }) {
            guard let dev = devices[address] else { continue }
            if dev.driver == nil {
                drift.append(Drift(kind: .driver, claimID: claim.id,
                                   detail: "device \(address) is bound to no driver (was \(driver))"))
            } else if let now = dev.driver, now != driver {
                drift.append(Drift(kind: .driver, claimID: claim.id,
                                   detail: "device \(address) is bound to \(now), not \(driver)"))
            }
        }
        return drift
    }

    /// A hugepage pool the kernel reports fewer free pages in than the ledger
    /// leaves free: confirmed guests have taken their pages, unconfirmed ones
    /// still need theirs free, so free must be at least
    /// total − reserved − used elsewhere − pages of confirmed claims
    /// − pages libvirt domains and kubelet pods hold (`foreign`).
    static func hugepages(_ claims: [Claim], _ snapshot: HostSnapshot, foreign: [PagePoolKey: Int] = [:]) -> [Drift] {
        var confirmed: [PoolKey: Int] = [:]
        var holders: [PoolKey: [String]] = [:]
        for claim in claims {
            for cell in claim.usage.cells {
                guard let size = cell.pageSizeKB, cell.pages > 0 else { continue }
                let key = PoolKey(cell: cell.hostCell, sizeKB: size)
                holders[key, default: []].append(claim.id)
                if claim.state == .confirmed { confirmed[key, default: 0] += cell.pages }
            }
        }
        var drift: [Drift] = []
        for cell in snapshot.cells {
            let smallest = cell.mempages.map(\.sizeKB).min()
            for pool in cell.mempages where pool.sizeKB != smallest {
                let key = PoolKey(cell: cell.id, sizeKB: pool.sizeKB)
                guard let free = pool.free, let ids = holders[key] else { continue }
                let expected = pool.total - pool.reserved - pool.used - (confirmed[key] ?? 0)
                    - (foreign[PagePoolKey(node: cell.id, sizeKB: pool.sizeKB)] ?? 0)
                if free < expected {
                    drift.append(Drift(kind: .hugepages, claimID: nil, holders: ids,
                                       detail: "cell \(cell.id): \(pool.sizeKB) KiB pool has \(free) free pages, the ledger expects at least \(expected) (claims \(ids.joined(separator: ", ")))"))
                }
            }
        }
        return drift
    }

    private struct PoolKey: Hashable {
        var cell: Int
        var sizeKB: Int
    }
}
