/// A host cell prepared for fitting: its free dedicated CPUs grouped into
/// cores the way Nova's `NUMACell.free_siblings` sees them, and its page
/// pools in the orders Nova tries them.
struct HostCellView: Sendable {
    /// Position of the cell in `HostSnapshot.cells`.
    let index: Int
    let cell: NUMACell
    let freePCPUs: CPUSet
    /// Free dedicated CPUs per core, in core order (cores sorted by their
    /// lowest CPU), cores without a free CPU left out. Each inner list is
    /// ascending.
    let freeCores: [[Int]]
    /// The largest core of the cell, counting shared and dedicated threads
    /// (Nova's `threads_per_core`, from all sibling sets).
    let threadsPerCore: Int
    /// Page sizes of the cell, largest first.
    let pageSizesDescending: [Int]
    /// Per page size, free pages (total − used − reserved; may be negative,
    /// as Nova computes it).
    let freePages: [Int: Int]
    let totalPages: [Int: Int]

    init(index: Int, cell: NUMACell) {
        self.index = index
        self.cell = cell
        let free = cell.pcpus.subtracting(cell.pinnedCPUs)
        freePCPUs = free
        // Nova pins only CPUs that appear in a sibling set; the contract
        // lists only SMT groups, so every other usable CPU is a core of its
        // own (contract Clarifications, "Siblings").
        let usable = cell.cpus.union(cell.pcpus)
        var seen = CPUSet()
        var cores: [[Int]] = []
        for group in cell.siblings {
            let g = group.intersection(usable).subtracting(seen)
            if g.isEmpty { continue }
            seen.formUnion(g)
            cores.append(g.sorted)
        }
        for cpu in usable.subtracting(seen).sorted { cores.append([cpu]) }
        cores.sort { ($0.first ?? 0) < ($1.first ?? 0) }
        threadsPerCore = Swift.max(1, cores.map(\.count).max() ?? 1)
        freeCores = cores.map { $0.filter { free.contains($0) } }.filter { !$0.isEmpty }
        var fp: [Int: Int] = [:]
        var tp: [Int: Int] = [:]
        for pool in cell.mempages {
            fp[pool.sizeKB] = pool.total - pool.used - pool.reserved
            tp[pool.sizeKB] = pool.total
        }
        freePages = fp
        totalPages = tp
        pageSizesDescending = cell.mempages.map(\.sizeKB).sorted(by: >)
    }

    var id: Int { cell.id }
    var freePCPUCount: Int { freePCPUs.count }
    var smallestPageSize: Int? { pageSizesDescending.last }
}
