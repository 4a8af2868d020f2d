/// What a host has: the fit contract's host document, and what
/// `restrack snapshot` prints. Usage fields (`cpu_usage`, `pinned_cpus`,
/// page `used`, device `status`) describe what is already promised.
public struct HostSnapshot: Codable, Hashable, Sendable {
    public var hostname: String
    public var cpuAllocationRatio: Double
    public var ramAllocationRatio: Double
    public var cells: [NUMACell]
    public var pciDevices: [PCIDevice]
    public var pciAliases: [PCIAlias]
    /// One sentence per problem met while probing: file, problem, what was assumed.
    public var warnings: [String]

    public init(hostname: String, cpuAllocationRatio: Double = 4.0, ramAllocationRatio: Double = 1.0,
                cells: [NUMACell], pciDevices: [PCIDevice] = [], pciAliases: [PCIAlias] = [],
                warnings: [String] = []) {
        self.hostname = hostname
        self.cpuAllocationRatio = cpuAllocationRatio
        self.ramAllocationRatio = ramAllocationRatio
        self.cells = cells
        self.pciDevices = pciDevices
        self.pciAliases = pciAliases
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case hostname, cpuAllocationRatio = "cpu_allocation_ratio", ramAllocationRatio = "ram_allocation_ratio"
        case cells, pciDevices = "pci_devices", pciAliases = "pci_aliases", warnings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostname = try c.decodeIfPresent(String.self, forKey: .hostname) ?? "unknown"
        cpuAllocationRatio = try c.decodeRatio(.cpuAllocationRatio, default: 4.0)
        ramAllocationRatio = try c.decodeRatio(.ramAllocationRatio, default: 1.0)
        cells = try c.decode([NUMACell].self, forKey: .cells)
        pciDevices = try c.decodeIfPresent([PCIDevice].self, forKey: .pciDevices) ?? []
        pciAliases = try c.decodeIfPresent([PCIAlias].self, forKey: .pciAliases) ?? []
        warnings = try c.decodeIfPresent([String].self, forKey: .warnings) ?? []

        guard !cells.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .cells, in: c, debugDescription: "a host needs at least one NUMA cell")
        }
        var ids = Set<Int>()
        var allCPUs = CPUSet()
        for cell in cells {
            guard ids.insert(cell.id).inserted else {
                throw DecodingError.dataCorruptedError(
                    forKey: .cells, in: c, debugDescription: "cell id \(cell.id) is used twice")
            }
            let mine = cell.cpus.union(cell.pcpus)
            guard allCPUs.isDisjoint(with: mine) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .cells, in: c,
                    debugDescription: "CPUs \(allCPUs.intersection(mine)) belong to more than one cell")
            }
            allCPUs.formUnion(mine)
        }
        var addresses = Set<String>()
        for dev in pciDevices where !addresses.insert(dev.address).inserted {
            throw DecodingError.dataCorruptedError(
                forKey: .pciDevices, in: c, debugDescription: "PCI address \(dev.address) is listed twice")
        }
        if let (i, problem) = HostSnapshot.vfParentProblem(pciDevices) {
            let path: [any CodingKey] = c.codingPath + [CodingKeys.pciDevices, IndexKey(i), PCIDevice.CodingKeys.parentAddr]
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: problem))
        }
        // Several aliases may share a name: Nova ORs their device specs
        // (`[pci] alias`). Whether such entries agree on device type and
        // NUMA policy is Nova's alias rule, checked when a request uses
        // PCI (an invalid request, not unreadable input).
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hostname, forKey: .hostname)
        try c.encode(cpuAllocationRatio, forKey: .cpuAllocationRatio)
        try c.encode(ramAllocationRatio, forKey: .ramAllocationRatio)
        try c.encode(cells, forKey: .cells)
        try c.encode(pciDevices, forKey: .pciDevices)
        try c.encode(pciAliases, forKey: .pciAliases)
        if !warnings.isEmpty { try c.encode(warnings, forKey: .warnings) }
    }

    public func cell(id: Int) -> NUMACell? { cells.first { $0.id == id } }
}
