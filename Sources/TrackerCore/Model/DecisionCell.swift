/// Where one guest NUMA cell landed.
public struct DecisionCell: Codable, Hashable, Sendable {
    public var guestCell: Int
    public var hostCell: Int
    public var vcpus: [Int]
    public var memoryMB: Int
    /// Guest vCPU → host pcpu, for the pinned vCPUs only.
    public var pinning: [Int: Int]
    /// Present when the request asked for a page size.
    public var pagesizeKB: Int?

    public init(guestCell: Int, hostCell: Int, vcpus: [Int], memoryMB: Int, pinning: [Int: Int] = [:],
                pagesizeKB: Int? = nil) {
        self.guestCell = guestCell
        self.hostCell = hostCell
        self.vcpus = vcpus
        self.memoryMB = memoryMB
        self.pinning = pinning
        self.pagesizeKB = pagesizeKB
    }

    /// vCPUs of this cell that float over the cell's shared CPUs.
    public var sharedVCPUCount: Int { vcpus.count - pinning.count }

    enum CodingKeys: String, CodingKey {
        case guestCell = "guest_cell", hostCell = "host_cell", vcpus, memoryMB = "memory_mb", pinning
        case pagesizeKB = "pagesize_kb"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guestCell = try c.decodeNonNegative(.guestCell)
        hostCell = try c.decodeNonNegative(.hostCell)
        vcpus = try c.decode([Int].self, forKey: .vcpus)
        memoryMB = try c.decodeNonNegative(.memoryMB)
        let raw = try c.decodeIfPresent([String: Int].self, forKey: .pinning) ?? [:]
        var pins: [Int: Int] = [:]
        for (k, v) in raw {
            guard let vcpu = Int(k) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .pinning, in: c, debugDescription: "pinning key \(QuotedValue.quote(k)) is not a vCPU number")
            }
            pins[vcpu] = v
        }
        pinning = pins
        pagesizeKB = try c.decodeNonNegativeIfPresent(.pagesizeKB)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(guestCell, forKey: .guestCell)
        try c.encode(hostCell, forKey: .hostCell)
        try c.encode(vcpus, forKey: .vcpus)
        try c.encode(memoryMB, forKey: .memoryMB)
        var strPins: [String: Int] = [:]
        for (k, v) in pinning { strPins[String(k)] = v }
        try c.encode(strPins, forKey: .pinning)
        try c.encodeIfPresent(pagesizeKB, forKey: .pagesizeKB)
    }
}
