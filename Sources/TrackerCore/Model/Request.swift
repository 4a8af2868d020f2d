/// `cpu_policy` (Nova's `hw:cpu_policy`).
public enum CPUPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case shared, dedicated, mixed

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}

/// `cpu_thread_policy` (Nova's `hw:cpu_thread_policy`).
public enum CPUThreadPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case prefer, isolate, require

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}

/// `emulator_threads_policy` (Nova's `hw:emulator_threads_policy`).
public enum EmulatorThreadsPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case share, isolate

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}

/// A guest vCPU list as a request may write it: a JSON integer, an array of
/// integers, or a Nova cpu spec string (`"0-3,^2"`). Kept as written; the
/// request validation turns it into a `CPUSet` and reports a bad spec as an
/// invalid request, the way Nova does.
public enum GuestCPUSpec: Codable, Hashable, Sendable {
    case list([Int])
    case text(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            self = .list([i])
        } else if let l = try? c.decode([Int].self) {
            self = .list(l)
        } else if let s = try? c.decode(String.self) {
            self = .text(s)
        } else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "expected a vCPU list: an integer, an array of integers or a cpu spec string")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .list(let l): try c.encode(l)
        case .text(let s): try c.encode(s)
        }
    }
}

/// `mem_page_size` (Nova's `hw:mem_page_size`): a keyword or a size.
public enum PageSizeRequest: Hashable, Sendable, Codable, CustomStringConvertible {
    case small
    case large
    case any
    /// An explicit page size in KiB.
    case kib(Int)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            guard i > 0, i <= ContractLimits.maxPageSizeKB else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "page size must be 1...\(ContractLimits.maxPageSizeKB) KiB (got \(i))")
            }
            self = .kib(i)
            return
        }
        guard let s = try? c.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "expected \"small\", \"large\", \"any\" or a size in KiB")
        }
        guard let parsed = PageSizeRequest(text: s) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown page size \(QuotedValue.quote(s)): use small, large, any, a KiB number or a size like 2MB")
        }
        self = parsed
    }

    /// Reads Nova's string forms: `small`, `large`, `any`, `2048`, `2MB`,
    /// `1GB`, `2048KB` (units are powers of 1024, as in Nova's
    /// `strutils.string_to_bytes` with `return_int`).
    public init?(text: String) {
        let t = text.trimmingSpaces.lowercased()
        switch t {
        case "small": self = .small; return
        case "large": self = .large; return
        case "any": self = .any; return
        default: break
        }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits), n > 0 else { return nil }
        let unit = String(t.dropFirst(digits.count)).trimmingSpaces
        let factor: Int
        switch unit {
        case "", "k", "kb", "kib": factor = 1
        case "m", "mb", "mib": factor = 1024
        case "g", "gb", "gib": factor = 1024 * 1024
        default: return nil
        }
        // A typo like 99999999999999999G must be refused, not overflow.
        let (kib, overflow) = n.multipliedReportingOverflow(by: factor)
        guard !overflow, kib <= ContractLimits.maxPageSizeKB else { return nil }
        self = .kib(kib)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .small: try c.encode("small")
        case .large: try c.encode("large")
        case .any: try c.encode("any")
        case .kib(let k): try c.encode(k)
        }
    }

    public var description: String {
        switch self {
        case .small: return "small"
        case .large: return "large"
        case .any: return "any"
        case .kib(let k): return PageSizeText.short(kb: k)
        }
    }
}

/// One entry of `pci_requests`: an alias, or vendor/product ids directly.
public struct PCIRequestSpec: Codable, Hashable, Sendable {
    public var alias: String?
    public var vendorID: String?
    public var productID: String?
    public var deviceType: PCIDeviceType?
    public var physicalNetwork: String?
    public var numaPolicy: PCINUMAPolicy?
    public var count: Int

    public init(alias: String? = nil, vendorID: String? = nil, productID: String? = nil,
                deviceType: PCIDeviceType? = nil, physicalNetwork: String? = nil,
                numaPolicy: PCINUMAPolicy? = nil, count: Int = 1) {
        self.alias = alias
        self.vendorID = vendorID
        self.productID = productID
        self.deviceType = deviceType
        self.physicalNetwork = physicalNetwork
        self.numaPolicy = numaPolicy
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case alias, vendorID = "vendor_id", productID = "product_id", deviceType = "device_type"
        case devType = "dev_type", physicalNetwork = "physical_network", numaPolicy = "numa_policy", count
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        alias = try c.decodeIfPresent(String.self, forKey: .alias)
        vendorID = try c.decodeIfPresent(String.self, forKey: .vendorID)
        productID = try c.decodeIfPresent(String.self, forKey: .productID)
        deviceType = try c.decodeIfPresent(PCIDeviceType.self, forKey: .deviceType)
            ?? c.decodeIfPresent(PCIDeviceType.self, forKey: .devType)
        physicalNetwork = try c.decodeIfPresent(String.self, forKey: .physicalNetwork)
        numaPolicy = try c.decodeIfPresent(PCINUMAPolicy.self, forKey: .numaPolicy)
        count = try c.decodeNonNegative(.count, default: 1)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(alias, forKey: .alias)
        try c.encodeIfPresent(vendorID, forKey: .vendorID)
        try c.encodeIfPresent(productID, forKey: .productID)
        try c.encodeIfPresent(deviceType, forKey: .deviceType)
        try c.encodeIfPresent(physicalNetwork, forKey: .physicalNetwork)
        try c.encodeIfPresent(numaPolicy, forKey: .numaPolicy)
        try c.encode(count, forKey: .count)
    }
}

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

/// An array position in a coding path.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ i: Int) { intValue = i }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { return nil }
}
