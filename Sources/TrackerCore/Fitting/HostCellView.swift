/// A host cell prepared for fitting: its free dedicated CPUs grouped into
/// cores the way Nova's `NUMACell.free_siblings` sees them, and its page
/// pools in the orders Nova tries them.
struct HostCellView: Sendable {
    /// Position of the cell in `HostSnapshot.cells`.
    let index: Int
    let cell: NUMACell
    let freePCPUs: CPUSet
    /// Free dedicated CPUs per core, in core order (cores sorted by their
    /// lowest CPU), cores without a free CPU left out. Each core is
    /// ascending.
    let freeCores: FreeCores
    /// The largest core of the cell, counting shared and dedicated threads
    /// (Nova's `threads_per_core`, from all sibling sets).
    let threadsPerCore: Int
    /// Per page size, free pages (total − used − reserved; may be negative,
    /// as Nova computes it).
    let freePages: PageTable
    let totalPages: PageTable

    init(index: Int, cell: NUMACell) {
        self.index = index
        self.cell = cell
        let free = cell.pcpus.subtracting(cell.pinnedCPUs)
        freePCPUs = free
        // Nova pins only CPUs that appear in a sibling set; the contract
        // lists only SMT groups, so every other usable CPU is a core of its
        // own (contract Clarifications, "Siblings"). Built into one flat
        // list with each core's span: this runs for every host cell of
        // every fit.
        let usable = cell.cpus.union(cell.pcpus)
        // Usable CPUs not in a core yet: removing from a copy never grows a
        // set, where inserting into an empty one regrew it on big hosts.
        var unseen = usable
        var largest = 1
        var flat: [Int] = []
        flat.reserveCapacity(free.count)
        var spans: [(first: Int, start: Int, count: Int)] = []
        for group in cell.siblings {
            var size = 0
            var first = -1
            let start = flat.count
            group.forEachCPU { cpu in
                guard unseen.remove(cpu) else { return }
                size += 1
                if first < 0 { first = cpu }
                if free.contains(cpu) { flat.append(cpu) }
            }
            if size == 0 { continue }
            largest = Swift.max(largest, size)
            spans.append((first, start, flat.count - start))
        }
        unseen.forEachCPU { cpu in
            let start = flat.count
            if free.contains(cpu) { flat.append(cpu) }
            spans.append((cpu, start, flat.count - start))
        }
        var bounds: [Int] = [0]
        if !spans.isEmpty, zip(spans, spans.dropFirst()).contains(where: { $0.first > $1.first }) {
            // Cores out of order (sibling groups listed unsorted): lay the
            // CPUs out again in core order. Core firsts are distinct CPUs.
            spans.sort { $0.first < $1.first }
            var ordered: [Int] = []
            ordered.reserveCapacity(flat.count)
            for span in spans where span.count > 0 {
                ordered.append(contentsOf: flat[span.start..<(span.start + span.count)])
                bounds.append(ordered.count)
            }
            flat = ordered
        } else {
            for span in spans where span.count > 0 { bounds.append(span.start + span.count) }
        }
        threadsPerCore = largest
        freeCores = FreeCores(cpus: flat, bounds: bounds)
        freePages = PageTable(pools: cell.mempages, free: true)
        totalPages = PageTable(pools: cell.mempages, free: false)
    }

    var id: Int { cell.id }
    var freePCPUCount: Int { freePCPUs.count }
    /// Page sizes of the cell, largest first; only page-size requests ask.
    var pageSizesDescending: [Int] { cell.mempages.map(\.sizeKB).sorted(by: >) }
    var smallestPageSize: Int? { cell.mempages.lazy.map(\.sizeKB).min() }
}
