import TrackerCore

/// Applies `reserved_host_cpus`. In Nova it is the VCPU inventory's
/// `reserved` in Placement: shared guests may use `(cpus − N) ×
/// cpu_allocation_ratio` vCPUs host-wide, no particular CPU is named, and
/// pinned CPUs are not affected. The contract has no host-wide reserve and
/// naming CPUs would be more than Nova does, so restrack charges the
/// `N × ratio` vCPUs as shared usage, spread over the cells in proportion to
/// their shared CPUs: the host-wide room then drops by exactly that much, as
/// in Nova, and no one cell is emptied by it.
enum CPUReservation {
    static func apply(_ reservedCPUs: Int, ratio: Double, to cells: inout [NUMACell], warnings: inout ProbeWarnings) {
        guard reservedCPUs > 0, !cells.isEmpty else { return }
        let shared = cells.reduce(0) { $0 + $1.cpus.count }
        guard shared > 0 else {
            warnings.add("config [DEFAULT] reserved_host_cpus is \(reservedCPUs) but the host has no shared CPUs; "
                         + "nothing to reserve from.")
            return
        }
        if reservedCPUs > shared {
            warnings.add("config [DEFAULT] reserved_host_cpus is \(reservedCPUs) but the host has \(shared) shared CPUs; "
                         + "assumed all of them are reserved.")
        }
        // Placement: capacity = (total − reserved) × ratio, so the reserve in
        // vCPUs is reserved × ratio (rounded up: never promise a part-CPU more).
        let capacity = Double(shared) * ratio
        let want = Int(min(capacity, (Double(min(reservedCPUs, shared)) * ratio).rounded(.up)))
        // Whole vCPUs by each cell's share of the shared CPUs; the rounding
        // remainder goes to the cells with the most shared CPUs.
        var parts = cells.map { want * $0.cpus.count / shared }
        var left = want - parts.reduce(0, +)
        for i in cells.indices.sorted(by: { cells[$0].cpus.count > cells[$1].cpus.count }) where left > 0 {
            guard cells[i].cpus.count > 0 else { continue }
            parts[i] += 1
            left -= 1
        }
        for i in cells.indices { cells[i].cpuUsage += parts[i] }
    }
}
