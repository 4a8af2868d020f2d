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
        // own (contract Clarifications, "Siblings"). Built with plain arrays:
        // this runs for every host cell of every fit.
        let usable = cell.cpus.union(cell.pcpus)
        var seen = CPUSet()
        var cores: [[Int]] = []
        var largest = 1
        var free2D: [(first: Int, cpus: [Int])] = []
        for group in cell.siblings {
            var size = 0
            var first = -1
            var freeHere: [Int] = []
            group.forEachCPU { cpu in
                guard usable.contains(cpu), !seen.contains(cpu) else { return }
                seen.insert(cpu)
                size += 1
                if first < 0 { first = cpu }
                if free.contains(cpu) { freeHere.append(cpu) }
            }
            if size == 0 { continue }
            largest = Swift.max(largest, size)
            free2D.append((first, freeHere))
        }
        usable.forEachCPU { cpu in
            guard !seen.contains(cpu) else { return }
            free2D.append((cpu, free.contains(cpu) ? [cpu] : []))
        }
        if !free2D.isEmpty, zip(free2D, free2D.dropFirst()).contains(where: { $0.first > $1.first }) {
            free2D.sort { $0.first < $1.first }
        }
        for core in free2D where !core.cpus.isEmpty { cores.append(core.cpus) }
        threadsPerCore = largest
        freeCores = cores
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
