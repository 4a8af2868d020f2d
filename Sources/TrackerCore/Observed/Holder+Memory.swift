extension Holder {
    /// MiB of hugepages this holder holds on host node `node`.
    public func hugepageMB(onNode node: Int) -> Int {
        // Saturating: counts come from other owners' files.
        var total = 0
        for p in pages where p.node == node && p.count > 0 && p.sizeKB > 0 {
            let (kb, over) = p.count.multipliedReportingOverflow(by: p.sizeKB)
            let (sum, past) = total.addingReportingOverflow(over ? Int.max / 1024 : kb / 1024)
            total = past ? Int.max : sum
        }
        return total
    }

    /// MiB of this holder's memory on node `node` as Nova counts an
    /// instance's cell memory: all of it, whatever backs it. A libvirt
    /// domain's `memoryMBPerNode` already is that; a kubelet pod's (and a
    /// claim's) is its small-page memory, so its hugepages are added.
    public func cellMemoryMB(onNode node: Int) -> Int {
        let listed = Swift.max(0, memoryMBPerNode[node] ?? 0)
        guard kind != .libvirt else { return listed }
        let (sum, over) = listed.addingReportingOverflow(hugepageMB(onNode: node))
        return over ? Int.max : sum
    }

    /// MiB of this holder's memory on node `node` backed by small pages:
    /// what Placement's small-page `MEMORY_MB` provider of that node loses
    /// to it (hugepages are on their own providers).
    public func smallPageMemoryMB(onNode node: Int) -> Int {
        Swift.max(0, cellMemoryMB(onNode: node) - hugepageMB(onNode: node))
    }
}
