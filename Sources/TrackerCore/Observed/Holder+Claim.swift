extension Holder {
    /// The `restrack` holder of a live claim: its consumer, owner pid, pinned
    /// CPUs, hugepages per node and size (where the request named a page
    /// size) and small-page memory per node (elsewhere), and devices.
    public init(claim: Claim) {
        var pages: [PagePoolKey: Int] = [:]
        var memory: [Int: Int] = [:]
        let sized = Set(claim.decision.cells.filter { $0.pagesizeKB != nil }.map(\.hostCell))
        for cell in claim.usage.cells {
            if let size = cell.pageSizeKB, cell.pages > 0, sized.contains(cell.hostCell) {
                pages[PagePoolKey(node: cell.hostCell, sizeKB: size), default: 0] += cell.pages
            } else if cell.memoryMB > 0 {
                memory[cell.hostCell, default: 0] += cell.memoryMB
            }
        }
        self.init(kind: .restrack, id: claim.id, name: claim.consumer.name, pid: claim.consumer.pid,
                  cpus: claim.usage.pinnedCPUs,
                  pages: pages.keys.sorted().map { HeldPages(node: $0.node, sizeKB: $0.sizeKB, count: pages[$0] ?? 0) },
                  pciDevices: claim.usage.pciDevices.sorted(), memoryMBPerNode: memory)
    }
}
