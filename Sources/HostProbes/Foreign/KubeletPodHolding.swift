import TrackerCore

/// What the kubelet's three checkpoints say one pod holds, gathered before
/// it becomes a holder.
struct KubeletPodHolding {
    var containers: [String: CPUSet] = [:]
    /// CPUs assigned to the pod as a whole (CPU manager v3+ `podEntries`).
    var podCPUs = CPUSet()
    /// Bytes of regular memory per host node.
    var memoryBytes: [Int: UInt64] = [:]
    /// (node, page size KiB) → pages.
    var pages: [NodePageSize: Int] = [:]
    var pciDevices: Set<String> = []
    var sources: Set<String> = []
    var verifications: [KubeletVerification] = []

    struct NodePageSize: Hashable {
        var node: Int
        var sizeKB: Int
    }

    var cpus: CPUSet {
        containers.values.reduce(podCPUs) { $0.union($1) }
    }

    /// Adds a memory manager block: its size is split evenly over the
    /// nodes of its affinity (the checkpoint does not say how the kernel
    /// spread it), the remainder on the first node.
    mutating func add(_ block: KubeletMemoryBlock) {
        guard let nodes = block.numaAffinity, !nodes.isEmpty else { return }
        let n = UInt64(nodes.count)
        if let kb = block.pageSizeKB {
            let total = block.size / UInt64(kb * 1024)
            for (i, node) in nodes.enumerated() {
                let share = total / n + (i == 0 ? total % n : 0)
                pages[NodePageSize(node: node, sizeKB: kb), default: 0] += Int(clamping: share)
            }
        } else if block.type == "memory" {
            for (i, node) in nodes.enumerated() {
                let share = block.size / n + (i == 0 ? block.size % n : 0)
                let (sum, overflow) = memoryBytes[node, default: 0].addingReportingOverflow(share)
                memoryBytes[node] = overflow ? UInt64.max : sum
            }
        }
    }

    /// true, false or nil as `ForeignDetail.verified` reads: false when any
    /// source failed its checksum, true when every checked one passed.
    var verified: Bool? {
        let known = verifications.compactMap(\.verified)
        if known.contains(false) { return false }
        return known.isEmpty ? nil : true
    }
}
