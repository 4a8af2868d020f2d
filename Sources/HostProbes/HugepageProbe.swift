import TrackerCore

/// Hugepage pools: per node and size from
/// `nodeN/hugepages/hugepages-<size>kB/{nr,free,surplus}_hugepages`. A node
/// without that directory gets the sizes of `sys/kernel/mm/hugepages`: with
/// their counts when the host has one node, with zero pages (and a warning if
/// the host has any) when it has several, because the split is unknown and
/// promising pages that may sit on another node is worse than promising none.
public enum HugepageProbe {
    static let globalDir = "sys/kernel/mm/hugepages"

    /// Huge page pools of one node, ascending by size. `nodeCount` is the
    /// number of nodes, for the global fallback.
    public static func pools(node: Int, nodeCount: Int, reader: SysfsReader,
                             warnings: inout ProbeWarnings) -> [PagePool] {
        let dir = "\(NUMAProbe.nodeDir)/node\(node)/hugepages"
        if reader.list(dir) != nil {
            return readPools(dir: dir, reader: reader, warnings: &warnings)
        }
        guard reader.list(globalDir) != nil else { return [] }
        let global = readPools(dir: globalDir, reader: reader, warnings: &warnings)
        if nodeCount <= 1 { return global }
        if global.contains(where: { $0.total > 0 }) {
            warnings.add(file: reader.path(dir),
                         problem: "is missing while \(reader.path(globalDir)) has pages on a \(nodeCount)-node host",
                         assumed: "node \(node) has none of them")
        }
        return global.map { PagePool(sizeKB: $0.sizeKB, total: 0, free: 0, surplus: 0) }
    }

    private static func readPools(dir: String, reader: SysfsReader, warnings: inout ProbeWarnings) -> [PagePool] {
        let values = SysfsValues(reader: reader)
        var pools: [PagePool] = []
        for name in reader.list(dir) ?? [] {
            guard name.hasPrefix("hugepages-"), name.hasSuffix("kB"),
                  let size = Int(name.dropFirst("hugepages-".count).dropLast(2)), size > 0 else { continue }
            let sub = "\(dir)/\(name)"
            var total = values.count("\(sub)/nr_hugepages", warnings: &warnings, assumed: "0 pages") ?? 0
            if total.multipliedReportingOverflow(by: size).overflow {
                // More KiB than an Int holds: no machine has that memory, and
                // the cell's arithmetic (pages × size) would trap on it.
                warnings.add(file: reader.path("\(sub)/nr_hugepages"),
                             problem: "holds \(total) pages of \(size) KiB, more memory than any host has",
                             assumed: "0 pages")
                total = 0
            }
            let free = values.count("\(sub)/free_hugepages", warnings: &warnings, assumed: "free count unknown")
            let surplus = values.count("\(sub)/surplus_hugepages", warnings: &warnings, assumed: "surplus count unknown")
            pools.append(PagePool(sizeKB: size, total: total, free: free, surplus: surplus))
        }
        return pools.sorted { $0.sizeKB < $1.sizeKB }
    }
}
