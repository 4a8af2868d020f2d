/// What one claim holds on the host, worked out once when the claim is made
/// (`Tracker.usage(of:for:on:)`) and stored with it: the decision turned into
/// host resources with Nova's accounting rules. Keeping it, rather than
/// re-deriving it from the decision on every read, means a claim keeps exactly
/// what it was given even when the host's sibling map or page pools change
/// later, and lets the ledger index CPUs and devices so that a CPU can be
/// promised only once.
public struct ClaimUsage: Codable, Hashable, Sendable {
    /// Usage on one host NUMA cell (Nova's per-cell `numa_usage_from_instance_numa`).
    public struct Cell: Codable, Hashable, Sendable {
        public var hostCell: Int
        /// Pinned vCPUs' host CPUs, plus emulator CPUs on this cell, plus the
        /// sibling threads an `isolate` guest reserves.
        public var pinnedCPUs: CPUSet
        /// vCPUs that float over the cell's shared CPUs (Nova's `cpu_usage`).
        public var sharedVCPUs: Int
        public var memoryMB: Int
        /// The page pool the guest memory comes from: the requested page
        /// size, or the cell's smallest one as Nova charges non-hugepage guests.
        /// nil when the cell lists no page pools.
        public var pageSizeKB: Int?
        /// Pages of `pageSizeKB` taken.
        public var pages: Int

        public init(hostCell: Int, pinnedCPUs: CPUSet = [], sharedVCPUs: Int = 0, memoryMB: Int = 0,
                    pageSizeKB: Int? = nil, pages: Int = 0) {
            self.hostCell = hostCell
            self.pinnedCPUs = pinnedCPUs
            self.sharedVCPUs = sharedVCPUs
            self.memoryMB = memoryMB
            self.pageSizeKB = pageSizeKB
            self.pages = pages
        }

        enum CodingKeys: String, CodingKey {
            case hostCell = "host_cell", pinnedCPUs = "pinned_cpus", sharedVCPUs = "shared_vcpus"
            case memoryMB = "memory_mb", pageSizeKB = "page_size_kb", pages
        }
    }

    public var cells: [Cell]
    /// Shared vCPUs and memory of a guest with no NUMA topology (a decision
    /// with no cells): they count against the host-wide totals only.
    public var floatingVCPUs: Int
    public var floatingMemoryMB: Int
    /// PCI addresses held.
    public var pciDevices: [String]
    /// The driver each held device was bound to when claimed, where the
    /// snapshot knew it, so drift can tell an unbound or rebound device.
    public var pciDrivers: [String: String]

    public init(cells: [Cell] = [], floatingVCPUs: Int = 0, floatingMemoryMB: Int = 0, pciDevices: [String] = [],
                pciDrivers: [String: String] = [:]) {
        self.cells = cells
        self.floatingVCPUs = floatingVCPUs
        self.floatingMemoryMB = floatingMemoryMB
        self.pciDevices = pciDevices
        self.pciDrivers = pciDrivers
    }

    /// Every host CPU held, over all cells.
    public var pinnedCPUs: CPUSet {
        cells.reduce(into: CPUSet()) { $0.formUnion($1.pinnedCPUs) }
    }

    enum CodingKeys: String, CodingKey {
        case cells, floatingVCPUs = "floating_vcpus", floatingMemoryMB = "floating_memory_mb"
        case pciDevices = "pci_devices", pciDrivers = "pci_drivers"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cells = try c.decodeIfPresent([Cell].self, forKey: .cells) ?? []
        floatingVCPUs = try c.decodeIfPresent(Int.self, forKey: .floatingVCPUs) ?? 0
        floatingMemoryMB = try c.decodeIfPresent(Int.self, forKey: .floatingMemoryMB) ?? 0
        pciDevices = try c.decodeIfPresent([String].self, forKey: .pciDevices) ?? []
        pciDrivers = try c.decodeIfPresent([String: String].self, forKey: .pciDrivers) ?? [:]
    }
}
