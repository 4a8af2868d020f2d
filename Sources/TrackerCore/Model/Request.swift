/// What a guest asks for: the fit contract's request document (a Nova
/// flavor's extra specs, flattened).
public struct Request: Codable, Hashable, Sendable {
    public var vcpus: Int
    public var memoryMB: Int
    public var cpuPolicy: CPUPolicy?
    public var cpuDedicatedMask: GuestCPUSpec?
    public var cpuThreadPolicy: CPUThreadPolicy?
    public var emulatorThreadsPolicy: EmulatorThreadsPolicy?
    public var numaNodes: Int?
    public var numaCPUs: [GuestCPUSpec]?
    public var numaMemMB: [Int]?
    public var memPageSize: PageSizeRequest?
    public var pciRequests: [PCIRequestSpec]

    public init(vcpus: Int, memoryMB: Int, cpuPolicy: CPUPolicy? = nil, cpuDedicatedMask: GuestCPUSpec? = nil,
                cpuThreadPolicy: CPUThreadPolicy? = nil, emulatorThreadsPolicy: EmulatorThreadsPolicy? = nil,
                numaNodes: Int? = nil, numaCPUs: [GuestCPUSpec]? = nil, numaMemMB: [Int]? = nil,
                memPageSize: PageSizeRequest? = nil, pciRequests: [PCIRequestSpec] = []) {
        self.vcpus = vcpus
        self.memoryMB = memoryMB
        self.cpuPolicy = cpuPolicy
        self.cpuDedicatedMask = cpuDedicatedMask
        self.cpuThreadPolicy = cpuThreadPolicy
        self.emulatorThreadsPolicy = emulatorThreadsPolicy
        self.numaNodes = numaNodes
        self.numaCPUs = numaCPUs
        self.numaMemMB = numaMemMB
        self.memPageSize = memPageSize
        self.pciRequests = pciRequests
    }

    enum CodingKeys: String, CodingKey {
        case vcpus, memoryMB = "memory_mb", cpuPolicy = "cpu_policy", cpuDedicatedMask = "cpu_dedicated_mask"
        case cpuThreadPolicy = "cpu_thread_policy", emulatorThreadsPolicy = "emulator_threads_policy"
        case numaNodes = "numa_nodes", numaCPUs = "numa_cpus", numaMemMB = "numa_mem_mb"
        case memPageSize = "mem_page_size", pciRequests = "pci_requests"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vcpus = try c.decodeNonNegative(.vcpus)
        memoryMB = try c.decodeNonNegative(.memoryMB)
        cpuPolicy = try c.decodeIfPresent(CPUPolicy.self, forKey: .cpuPolicy)
        cpuDedicatedMask = try c.decodeIfPresent(GuestCPUSpec.self, forKey: .cpuDedicatedMask)
        cpuThreadPolicy = try c.decodeIfPresent(CPUThreadPolicy.self, forKey: .cpuThreadPolicy)
        emulatorThreadsPolicy = try c.decodeIfPresent(EmulatorThreadsPolicy.self, forKey: .emulatorThreadsPolicy)
        numaNodes = try c.decodeNonNegativeIfPresent(.numaNodes)
        numaCPUs = try c.decodeIfPresent([GuestCPUSpec].self, forKey: .numaCPUs)
        numaMemMB = try c.decodeIfPresent([Int].self, forKey: .numaMemMB)
        if let mems = numaMemMB, let bad = mems.firstIndex(where: { $0 < 0 || $0 > ContractLimits.maxCount }) {
            var path = c.codingPath
            path.append(CodingKeys.numaMemMB)
            path.append(IndexKey(bad))
            let problem = mems[bad] < 0 ? "must not be negative (got \(mems[bad]))"
                : ContractLimits.tooLarge(mems[bad], limit: ContractLimits.maxCount)
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: problem))
        }
        memPageSize = try c.decodeIfPresent(PageSizeRequest.self, forKey: .memPageSize)
        pciRequests = try c.decodeIfPresent([PCIRequestSpec].self, forKey: .pciRequests) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vcpus, forKey: .vcpus)
        try c.encode(memoryMB, forKey: .memoryMB)
        try c.encode(cpuPolicy, forKey: .cpuPolicy)
        try c.encode(cpuDedicatedMask, forKey: .cpuDedicatedMask)
        try c.encode(cpuThreadPolicy, forKey: .cpuThreadPolicy)
        try c.encode(emulatorThreadsPolicy, forKey: .emulatorThreadsPolicy)
        try c.encode(numaNodes, forKey: .numaNodes)
        try c.encode(numaCPUs, forKey: .numaCPUs)
        try c.encode(numaMemMB, forKey: .numaMemMB)
        try c.encode(memPageSize, forKey: .memPageSize)
        try c.encode(pciRequests, forKey: .pciRequests)
    }
}
