import TrackerCore

/// Applies `reserved_host_memory_mb`. In Nova it is host-wide: Placement's
/// MEMORY_MB inventory gets `reserved`, so guests may use
/// `(total - reserved) × ram_allocation_ratio`, and no NUMA cell is singled
/// out. The contract has no host-wide reserve, so restrack subtracts it from
/// the cells' `memory_mb` in proportion to their size: the host-wide sum then
/// drops by exactly the reservation, as in Nova, and no one cell (say node 0)
/// is made unusable by it. What was taken is in each cell's
/// `reserved_memory_mb`.
enum MemoryReservation {
    static func apply(_ reservedMB: Int, to cells: inout [NUMACell], warnings: inout ProbeWarnings) {
        guard reservedMB > 0 else { return }
        // Garbled meminfo can make a cell's memory absurd; saturate rather
        // than trap, and split with full-width products below.
        let total = cells.reduce(0) { sum, cell in
            let (s, overflow) = sum.addingReportingOverflow(cell.memoryMB)
            return overflow ? Int.max : s
        }
        guard total > 0 else { return }
        if reservedMB >= total {
            warnings.add("config [DEFAULT] reserved_host_memory_mb is \(reservedMB) MiB but the host has \(total) MiB; "
                         + "assumed all memory is reserved.")
        }
        let want = min(reservedMB, total)
        // want × memory / total ≤ memory, so the quotient always fits.
        var shares = cells.map { total.dividingFullWidth(want.multipliedFullWidth(by: $0.memoryMB)).quotient }
        // Integer division leaves a few MiB over; give them to the largest cells first.
        var left = want - shares.reduce(0, +)
        for i in cells.indices.sorted(by: { cells[$0].memoryMB > cells[$1].memoryMB }) where left > 0 {
            if shares[i] < cells[i].memoryMB { shares[i] += 1; left -= 1 }
        }
        for i in cells.indices {
            cells[i].memoryMB -= shares[i]
            cells[i].reservedMemoryMB = shares[i]
        }
    }
}
