import TrackerCore

/// Promised versus real: what `check` reports beside stuck claims.
enum DriftCheck {
    static func find(state: HostState, processStartTime: Tracker.ProcessStartTime?,
                     affinity: ((Int32) -> CPUSet?)?) -> [Drift] {
        var drift: [Drift] = []
        let snapshot = state.snapshot
        for claim in state.claims {
            // Affinity: only for an owner that is alive and really the owner
            // (otherwise the claim is stuck, which says more). Running on a
            // subset of the held CPUs is fine (an isolate guest leaves the
            // sibling threads idle); running anywhere else is not.
            if let pid = claim.consumer.pid, let affinity, state.stuck[claim.id] == nil,
               processStartTime?(pid).startTime != nil {
                let held = claim.usage.pinnedCPUs
                if !held.isEmpty, let allowed = affinity(pid), !allowed.isSubset(of: held) {
                    drift.append(Drift(kind: .affinity, claimID: claim.id,
                                       message: "claim \(claim.id): owner pid \(pid) may run on CPUs \(allowed.cpulist), not only its pinned CPUs \(held.cpulist)"))
                }
            }
            for (address, driver) in claim.usage.pciDrivers.sorted(by: { $0.key < $1.key }) {
                guard let dev = snapshot.pciDevices.first(where: { $0.address == address }) else { continue }
                if dev.driver == nil {
                    drift.append(Drift(kind: .driver, claimID: claim.id,
                                       message: "claim \(claim.id): device \(address) is bound to no driver (was \(driver))"))
                } else if let now = dev.driver, now != driver {
                    drift.append(Drift(kind: .driver, claimID: claim.id,
                                       message: "claim \(claim.id): device \(address) is bound to \(now), not \(driver)"))
                }
            }
        }
        drift += hugepageDrift(state)
        return drift
    }

    /// A hugepage pool the kernel reports fewer free pages in than the ledger
    /// leaves free: confirmed guests have taken their pages, unconfirmed ones
    /// still need theirs free, so free must be at least
    /// total − reserved − used elsewhere − pages of confirmed claims.
    private static func hugepageDrift(_ state: HostState) -> [Drift] {
        var confirmed: [String: Int] = [:]
        var holders: [String: [String]] = [:]
        for claim in state.claims {
            for cell in claim.usage.cells {
                guard let size = cell.pageSizeKB, cell.pages > 0 else { continue }
                let key = "\(cell.hostCell)/\(size)"
                holders[key, default: []].append(claim.id)
                if claim.state == .confirmed { confirmed[key, default: 0] += cell.pages }
            }
        }
        var drift: [Drift] = []
        for cell in state.snapshot.cells {
            let smallest = cell.mempages.map(\.sizeKB).min()
            for pool in cell.mempages where pool.sizeKB != smallest {
                let key = "\(cell.id)/\(pool.sizeKB)"
                guard let free = pool.free, let ids = holders[key] else { continue }
                let expected = pool.total - pool.reserved - pool.used - (confirmed[key] ?? 0)
                if free < expected {
                    drift.append(Drift(kind: .hugepages, claimID: nil,
                                       message: "cell \(cell.id): \(pool.sizeKB) KiB pool has \(free) free pages, the ledger expects at least \(expected) (claims \(ids.joined(separator: ", ")))"))
                }
            }
        }
        return drift
    }
}
