/// Chooses a distinct host cell for every guest cell, exactly and fast
/// (Nova walks every permutation of host cells; LP #1978372).
///
/// Which guest cell fits which host cell is known up front (one
/// `CellFitter` call per pair: guest cells on distinct host cells do not
/// interact). The search walks guest cells in order and host cells in
/// Nova's preference order, like Nova, so it returns the first assignment
/// Nova's permutation order would reach; but it only enters a host cell when
/// the remaining guest cells can still be matched to the remaining host
/// cells (bipartite matching) and when the PCI devices could still suffice
/// (`PCIPools.mayFit`), and it remembers sets of used host cells that lead
/// nowhere. It never refuses a branch that holds an assignment.
struct CellAssigner {
    /// Per guest cell, the host cell positions it fits (bit i = `host.cells[i]`).
    let fits: [UInt64]
    /// Host cell positions, most preferred first.
    let order: [Int]
    let pci: PCIPools?
    private var deadEnds = Set<UInt64>()
    private var chosen: [Int]

    init(fits: [UInt64], order: [Int], pci: PCIPools?) {
        self.fits = fits
        self.order = order
        self.pci = pci
        chosen = Array(repeating: -1, count: fits.count)
    }

    /// Host cell position per guest cell, or nil when no assignment exists.
    mutating func solve() -> [Int]? {
        guard matchable(from: 0, used: 0) else { return nil }
        if let pci, !pci.mayFit(chosen: 0, candidates: candidates(from: 0, used: 0), remaining: fits.count) {
            return nil
        }
        return search(0, used: 0) ? chosen : nil
    }

    /// Whether the guest cells alone (no PCI) have an assignment.
    func cpuAssignmentExists() -> Bool { matchable(from: 0, used: 0) }

    private mutating func search(_ g: Int, used: UInt64) -> Bool {
        if g == fits.count {
            return pci?.feasible(cells: used) ?? true
        }
        if deadEnds.contains(used) { return false }
        for h in order {
            let bit = UInt64(1) << UInt64(h)
            guard fits[g] & bit != 0, used & bit == 0 else { continue }
            let next = used | bit
            guard matchable(from: g + 1, used: next) else { continue }
            if let pci, g + 1 < fits.count,
               !pci.mayFit(chosen: next, candidates: candidates(from: g + 1, used: next), remaining: fits.count - g - 1) {
                continue
            }
            chosen[g] = h
            if search(g + 1, used: next) { return true }
        }
        deadEnds.insert(used)
        return false
    }

    private func candidates(from g: Int, used: UInt64) -> UInt64 {
        var m: UInt64 = 0
        for i in g..<fits.count { m |= fits[i] }
        return m & ~used
    }

    /// Can guest cells `g...` each get a distinct host cell outside `used`?
    /// (Kuhn's augmenting paths; at most 64 host cells.)
    private func matchable(from g: Int, used: UInt64) -> Bool {
        if g >= fits.count { return true }
        var owner = [Int](repeating: -1, count: 64)
        var seen: UInt64 = 0
        func augment(_ x: Int) -> Bool {
            var avail = fits[x] & ~used
            while avail != 0 {
                let h = avail.trailingZeroBitCount
                avail &= avail - 1
                let bit = UInt64(1) << UInt64(h)
                if seen & bit != 0 { continue }
                seen |= bit
                if owner[h] < 0 || augment(owner[h]) {
                    owner[h] = x
                    return true
                }
            }
            return false
        }
        for x in g..<fits.count {
            seen = 0
            if !augment(x) { return false }
        }
        return true
    }
}
