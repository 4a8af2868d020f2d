/// One NUMA node as the tracker sees it (Nova's `objects.NUMACell`).
///
/// `cpus` are the shared CPUs (Nova's `cpuset`, overcommitted by the
/// allocation ratio) and `pcpus` the dedicated ones that can be pinned
/// (Nova's `pcpuset`); they are disjoint. `siblings` lists SMT groups among
/// the cell's CPUs; a CPU in no group is a core of its own.
public struct NUMACell: Codable, Hashable, Sendable {
    public var id: Int
    public var socket: Int?
    public var cpus: CPUSet
    public var pcpus: CPUSet
    public var siblings: [CPUSet]
    public var memoryMB: Int
    public var cpuUsage: Int
    public var memoryUsageMB: Int
    public var pinnedCPUs: CPUSet
    public var mempages: [PagePool]

    // Probe-only facts: absent from replayed or generated hosts, never read
    // by the fitter.
    /// Distance to each node id, as in `nodeN/distance` / `numa_distance`.
    public var distances: [Int: Int]?
    /// CPUs of this node that are present but offline (not in `cpus`/`pcpus`).
    public var offlineCPUs: CPUSet?
    /// CPUs of this node listed in `/sys/devices/system/cpu/isolated`.
    public var isolatedCPUs: CPUSet?
    /// MemFree of the node at probe time, MiB.
    public var memoryFreeMB: Int?
    /// MiB of the node taken off `memory_mb` for the host
    /// (`reserved_host_memory_mb`, spread over the cells by size).
    public var reservedMemoryMB: Int?

    public init(
        id: Int, socket: Int? = nil, cpus: CPUSet = [], pcpus: CPUSet = [], siblings: [CPUSet] = [],
        memoryMB: Int, cpuUsage: Int = 0, memoryUsageMB: Int = 0, pinnedCPUs: CPUSet = [],
        mempages: [PagePool] = [], distances: [Int: Int]? = nil, offlineCPUs: CPUSet? = nil,
        isolatedCPUs: CPUSet? = nil, memoryFreeMB: Int? = nil, reservedMemoryMB: Int? = nil
    ) {
        self.id = id
        self.socket = socket
        self.cpus = cpus
        self.pcpus = pcpus
        self.siblings = siblings
        self.memoryMB = memoryMB
        self.cpuUsage = cpuUsage
        self.memoryUsageMB = memoryUsageMB
        self.pinnedCPUs = pinnedCPUs
        self.mempages = mempages
        self.distances = distances
        self.offlineCPUs = offlineCPUs
        self.isolatedCPUs = isolatedCPUs
        self.memoryFreeMB = memoryFreeMB
        self.reservedMemoryMB = reservedMemoryMB
    }

    /// Dedicated CPUs not pinned yet.
    public var freePCPUs: CPUSet { pcpus.subtracting(pinnedCPUs) }

    enum CodingKeys: String, CodingKey {
        case id, socket, cpus, pcpus, siblings
        case memoryMB = "memory_mb", cpuUsage = "cpu_usage", memoryUsageMB = "memory_usage_mb"
        case pinnedCPUs = "pinned_cpus", mempages, distances
        case offlineCPUs = "offline_cpus", isolatedCPUs = "isolated_cpus", memoryFreeMB = "memory_free_mb"
        case reservedMemoryMB = "reserved_memory_mb"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeNonNegative(.id)
        socket = try c.decodeNonNegativeIfPresent(.socket)
        cpus = try c.decodeIfPresent(CPUSet.self, forKey: .cpus) ?? []
        pcpus = try c.decodeIfPresent(CPUSet.self, forKey: .pcpus) ?? []
        siblings = try c.decodeIfPresent([CPUSet].self, forKey: .siblings) ?? []
        memoryMB = try c.decodeNonNegative(.memoryMB)
        cpuUsage = try c.decodeNonNegative(.cpuUsage, default: 0)
        memoryUsageMB = try c.decodeNonNegative(.memoryUsageMB, default: 0)
        pinnedCPUs = try c.decodeIfPresent(CPUSet.self, forKey: .pinnedCPUs) ?? []
        mempages = try c.decodeIfPresent([PagePool].self, forKey: .mempages) ?? []
        distances = try c.decodeIfPresent([Int: Int].self, forKey: .distances)
        offlineCPUs = try c.decodeIfPresent(CPUSet.self, forKey: .offlineCPUs)
        isolatedCPUs = try c.decodeIfPresent(CPUSet.self, forKey: .isolatedCPUs)
        memoryFreeMB = try c.decodeNonNegativeIfPresent(.memoryFreeMB)
        reservedMemoryMB = try c.decodeNonNegativeIfPresent(.reservedMemoryMB)

        guard cpus.isDisjoint(with: pcpus) else {
            throw DecodingError.dataCorruptedError(
                forKey: .pcpus, in: c,
                debugDescription: "CPUs \(cpus.intersection(pcpus)) are in both cpus and pcpus; a CPU is shared or dedicated, not both")
        }
        var seen = CPUSet()
        for group in siblings {
            guard seen.isDisjoint(with: group) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .siblings, in: c,
                    debugDescription: "CPUs \(seen.intersection(group)) appear in more than one sibling group")
            }
            seen.formUnion(group)
        }
        var sizes = Set<Int>()
        for pool in mempages where !sizes.insert(pool.sizeKB).inserted {
            throw DecodingError.dataCorruptedError(
                forKey: .mempages, in: c, debugDescription: "page size \(pool.sizeKB) KiB is listed twice")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(socket, forKey: .socket)
        try c.encode(cpus, forKey: .cpus)
        try c.encode(pcpus, forKey: .pcpus)
        try c.encode(siblings, forKey: .siblings)
        try c.encode(memoryMB, forKey: .memoryMB)
        try c.encode(cpuUsage, forKey: .cpuUsage)
        try c.encode(memoryUsageMB, forKey: .memoryUsageMB)
        try c.encode(pinnedCPUs, forKey: .pinnedCPUs)
        try c.encode(mempages, forKey: .mempages)
        try c.encodeIfPresent(distances, forKey: .distances)
        try c.encodeIfPresent(offlineCPUs, forKey: .offlineCPUs)
        try c.encodeIfPresent(isolatedCPUs, forKey: .isolatedCPUs)
        try c.encodeIfPresent(memoryFreeMB, forKey: .memoryFreeMB)
        try c.encodeIfPresent(reservedMemoryMB, forKey: .reservedMemoryMB)
    }
}
