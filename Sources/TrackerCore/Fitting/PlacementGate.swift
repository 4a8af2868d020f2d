/// The host-wide capacity check OpenStack Placement makes before Nova's
/// cell fitting (inventories VCPU, PCPU, MEMORY_MB: `used + wanted ≤ total
/// × ratio` and `wanted ≤ total`). For a guest without NUMA topology it is
/// the only CPU and memory check (contract Clarifications).
enum PlacementGate {
    /// nil when the host-wide totals allow the request, else the reason.
    static func check(host: HostSnapshot, request: Request, topology: GuestTopology?) -> String? {
        let wantShared: Int
        var wantPinned: Int
        if let topology {
            wantShared = topology.sharedVCPUCount
            wantPinned = topology.pinnedVCPUCount
            if wantPinned > 0 && topology.emulatorIsolate { wantPinned += 1 }
        } else {
            wantShared = request.vcpus
            wantPinned = 0
        }
        var totalShared = 0, usedShared = 0, totalPinned = 0, usedPinned = 0, totalMem = 0, usedMem = 0
        for c in host.cells {
            totalShared += c.cpus.count
            usedShared += c.cpuUsage
            totalPinned += c.pcpus.count
            usedPinned += c.pinnedCPUs.count
            totalMem += c.memoryMB
            usedMem += c.memoryUsageMB
        }
        let inventories: [(String, String, Int, Int, Double, Int)] = [
            ("shared CPUs", "shared vCPUs", totalShared, usedShared, host.cpuAllocationRatio, wantShared),
            ("dedicated CPUs", "dedicated CPUs", totalPinned, usedPinned, 1.0, wantPinned),
            ("MiB of memory", "MiB", totalMem, usedMem, host.ramAllocationRatio, request.memoryMB),
        ]
        for (name, unit, total, used, ratio, want) in inventories where want > 0 {
            if want > total {
                return "the host has \(total) \(name) in all, the guest needs \(want) \(unit)"
            }
            let cap = Double(total) * ratio
            if Double(used + want) > cap {
                let room = Swift.max(0, Int(cap.rounded(.down)) - used)
                return "host-wide, \(room) \(unit) are free (\(total) \(name) × \(CellFitter.formatRatio(ratio)), \(used) used), the guest needs \(want)"
            }
        }
        return nil
    }
}
