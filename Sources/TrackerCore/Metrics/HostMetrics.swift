/// Every restrack metric of one host, read from the `HostState` that
/// `ClaimStateDerivation` derived: the same state `list`, `check` and
/// `observe` print, so a metric and those verbs cannot disagree. Pure: the
/// caller measures the scrape and says when it ended.
public enum HostMetrics {
    /// What the caller knows about this scrape besides the state.
    public struct Scrape: Hashable, Sendable {
        /// Seconds from the start of probing to the state being derived.
        public var durationSeconds: Double
        /// Unix time the state was derived.
        public var timestamp: Double
        /// `RestrackVersion`, for `restrack_build_info`.
        public var version: String
        /// Whether series may carry a claim's consumer name (bounded by
        /// `ConsumerLabel`); off for fleets with cardinality limits.
        public var consumerLabels: Bool

        public init(durationSeconds: Double, timestamp: Double, version: String, consumerLabels: Bool = true) {
            self.durationSeconds = durationSeconds
            self.timestamp = timestamp
            self.version = version
            self.consumerLabels = consumerLabels
        }
    }

    /// The stuck-reason codes, in the order `restrack_stuck_claims` lists
    /// them (`StuckReason.code`; every code is always present, 0 when none).
    public static let stuckCodes = ["owner-exited", "owner-pid-reused", "unconfirmed-past-ttl", "resource-gone", "pool-shrunk"]
    /// `Drift.Kind` raw values, listed here because the enum is not CaseIterable.
    public static let driftKinds: [Drift.Kind] = [.affinity, .hugepages, .driver]

    /// The families in the order they are exposed.
    public static func families(_ state: HostState, scrape: Scrape) -> [MetricFamily] {
        cellFamilies(state) + pageFamilies(state) + deviceFamilies(state, scrape: scrape)
            + claimFamilies(state, scrape: scrape) + scrapeFamilies(scrape)
    }

    /// The exposition text of `state`.
    public static func text(_ state: HostState, scrape: Scrape) -> String {
        ExpositionText.render(families(state, scrape: scrape))
    }

    // MARK: cells

    static func cellFamilies(_ state: HostState) -> [MetricFamily] {
        let cell = ["cell"]
        var dedicated = MetricFamily(name: "restrack_cell_dedicated_cpus",
                                     help: "Dedicated CPUs of the cell (cpu_dedicated_set): what claims can pin.", labelNames: cell)
        var pinned = MetricFamily(name: "restrack_cell_dedicated_cpus_pinned",
                                  help: "Dedicated CPUs of the cell pinned by live restrack claims.", labelNames: cell)
        var others = MetricFamily(name: "restrack_cell_dedicated_cpus_held_by_others",
                                  help: "Dedicated CPUs of the cell that a process or cgroup no claim explains is pinned to.",
                                  labelNames: cell)
        var free = MetricFamily(name: "restrack_cell_dedicated_cpus_free",
                                help: "Dedicated CPUs of the cell a new claim could still pin.", labelNames: cell)
        var sharedCap = MetricFamily(name: "restrack_cell_shared_vcpus_capacity",
                                     help: "Shared vCPUs the cell offers: its shared CPUs times cpu_allocation_ratio.",
                                     labelNames: cell)
        var sharedUsed = MetricFamily(name: "restrack_cell_shared_vcpus_used",
                                      help: "Shared (floating) vCPUs promised on the cell.", labelNames: cell)
        var memTotal = MetricFamily(name: "restrack_cell_memory_total_bytes",
                                    help: "Memory of the cell: the kernel's MemTotal when read, else the snapshot's memory_mb.",
                                    labelNames: cell)
        var memPromised = MetricFamily(name: "restrack_cell_memory_promised_bytes",
                                       help: "Memory of the cell promised to guests (live claims, the snapshot's own usage and what libvirt domains and kubelet pods are given).",
                                       labelNames: cell)
        var memUsed = MetricFamily(name: "restrack_cell_memory_kernel_used_bytes",
                                   help: "Memory of the cell in use as the kernel counts it (MemTotal - MemFree).",
                                   labelNames: cell)
        var effective: [Int: NUMACell] = [:]
        for c in state.effective.cells { effective[c.id] = c }
        for c in state.snapshot.cells {
            let id = [String(c.id)]
            dedicated.add(c.pcpus.count, id)
            var byClaims = 0
            var byOthers = 0
            for cpu in c.pcpus {
                if state.cpuOwners[cpu] != nil {
                    byClaims += 1
                } else if state.cpuHolders[cpu] != nil {
                    byOthers += 1
                }
            }
            pinned.add(byClaims, id)
            others.add(byOthers, id)
            let applied = effective[c.id]
            free.add(applied?.freePCPUs.count ?? c.freePCPUs.count, id)
            sharedCap.add(Double(c.cpus.count) * state.snapshot.cpuAllocationRatio, id)
            sharedUsed.add(applied?.cpuUsage ?? c.cpuUsage, id)
            let memory = CellMemory(cell: c, utilisation: state.utilisation)
            memTotal.add(bytes(mb: memory.totalMB), id)
            memPromised.add(bytes(mb: applied?.memoryUsageMB ?? c.memoryUsageMB), id)
            if let used = memory.usedMB { memUsed.add(bytes(mb: used), id) }
        }
        return [dedicated, pinned, others, free, sharedCap, sharedUsed, memTotal, memPromised, memUsed]
    }

    static func bytes(mb: Int) -> Double { Double(mb) * 1_048_576 }

    // MARK: hugepages

    static func pageFamilies(_ state: HostState) -> [MetricFamily] {
        let labels = ["cell", "page_size_kb"]
        var total = MetricFamily(name: "restrack_hugepages_capacity_pages",
                                 help: "Hugepages of this size on the cell (the kernel's nr_hugepages).", labelNames: labels)
        var reserved = MetricFamily(name: "restrack_hugepages_reserved_pages",
                                    help: "Hugepages kept for the host (reserved_huge_pages), never promised.", labelNames: labels)
        var promised = MetricFamily(name: "restrack_hugepages_promised_pages",
                                    help: "Hugepages promised by live restrack claims.", labelNames: labels)
        var outside = MetricFamily(name: "restrack_hugepages_outside_pages",
                                   help: "Hugepages in use that no confirmed claim, reservation or prior use explains (only where the kernel's free count was read).",
                                   labelNames: labels)
        var free = MetricFamily(name: "restrack_hugepages_free_pages",
                                help: "Hugepages free as the kernel counts them (free_hugepages; only where read).",
                                labelNames: labels)
        let claimed = state.promisedPages
        let outsideByPool = state.outsidePages
        for c in state.snapshot.cells {
            let smallest = c.mempages.map(\.sizeKB).min()
            for pool in c.mempages where pool.sizeKB != smallest {
                let key = PagePoolKey(node: c.id, sizeKB: pool.sizeKB)
                let l = [String(c.id), String(pool.sizeKB)]
                total.add(pool.total, l)
                reserved.add(pool.reserved, l)
                promised.add(claimed[key] ?? 0, l)
                if let kernelFree = pool.free {
                    outside.add(outsideByPool[key] ?? 0, l)
                    free.add(kernelFree, l)
                }
            }
        }
        return [total, reserved, promised, outside, free]
    }
}
