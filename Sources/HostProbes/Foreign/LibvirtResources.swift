import TrackerCore

/// What a domain holds on the host, by the rules Nova's libvirt driver
/// writes them with (`consumer_check.py` is the reference reading):
/// a single-CPU `<vcpupin>` is a dedicated CPU, a multi-CPU one floats over
/// the host cell's shared CPUs; the emulator CPU is held exclusively only
/// with `hw:emulator_threads_policy=isolate`; guest cell N lives on the host
/// node of `<memnode cellid=N>`, `<page nodeset>` lists guest cells and the
/// page count is the cell's memory over the page size.
struct LibvirtResources: Hashable, Sendable {
    var exclusiveCPUs: CPUSet
    var floatingCPUs: CPUSet?
    var emulatorCPUs: CPUSet?
    /// Host node → MiB: all of the guest's memory on that node (hugepage
    /// backed or not), as `expected.json`'s `memory_mb_per_node`; empty
    /// for a guest without a NUMA topology, which has no node.
    var memoryMBPerNode: [Int: Int]
    var pages: [HeldPages]

    init(_ d: LibvirtDomain) {
        var exclusive = CPUSet(), floating = CPUSet()
        for pin in d.vcpuPins.values {
            if pin.count == 1 { exclusive.formUnion(pin) } else { floating.formUnion(pin) }
        }
        if let emulator = d.emulatorPin, d.nova?.extraSpecs["hw:emulator_threads_policy"] == "isolate" {
            exclusive.formUnion(emulator)
        }
        exclusiveCPUs = exclusive
        floatingCPUs = d.vcpuPins.isEmpty ? d.vcpuCPUSet : (floating.isEmpty ? nil : floating)
        emulatorCPUs = d.emulatorPin ?? d.vcpuCPUSet

        var memory: [Int: Int] = [:]
        for (cell, kib) in d.guestCells {
            if let node = Self.hostNode(ofCell: cell, d) { memory[node, default: 0] += kib / 1024 }
        }
        memoryMBPerNode = memory

        var pageCounts: [HeldPages] = []
        for page in d.pages where page.sizeKiB > 4 {
            var add: [(node: Int, kib: Int)] = []
            if d.guestCells.isEmpty {
                if let nodes = d.memoryNodes, nodes.count == 1, let node = nodes.min { add.append((node, d.memoryKiB)) }
            } else {
                for (cell, kib) in d.guestCells.sorted(by: { $0.key < $1.key })
                where page.guestCells?.contains(cell) ?? true {
                    if let node = Self.hostNode(ofCell: cell, d) { add.append((node, kib)) }
                }
            }
            for (node, kib) in add {
                if let i = pageCounts.firstIndex(where: { $0.node == node && $0.sizeKB == page.sizeKiB }) {
                    pageCounts[i].count += kib / page.sizeKiB
                } else {
                    pageCounts.append(HeldPages(node: node, sizeKB: page.sizeKiB, count: kib / page.sizeKiB))
                }
            }
        }
        pages = pageCounts.sorted { ($0.node, $0.sizeKB) < ($1.node, $1.sizeKB) }
    }

    /// The one host node guest cell `cell` is bound to: its `<memnode>`, or
    /// the domain-wide `<numatune><memory>` when that names one node.
    static func hostNode(ofCell cell: Int, _ d: LibvirtDomain) -> Int? {
        if let nodes = d.memnodes[cell] { return nodes.count == 1 ? nodes.min : nil }
        if let nodes = d.memoryNodes, nodes.count == 1 { return nodes.min }
        return nil
    }
}
