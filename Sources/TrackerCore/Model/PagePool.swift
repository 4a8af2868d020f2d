/// Memory pages of one size on one NUMA cell (Nova's `NUMAPagesTopology`).
///
/// `used` counts pages promised to guests (by the ledger or, in a replayed
/// snapshot, by whoever made it); `reserved` pages are kept for the host
/// (`reserved_huge_pages`). `free` and `surplus` are what the kernel reported
/// at probe time, when the snapshot came from a probe; the fitter never reads
/// them (they are for drift detection and the dashboard).
public struct PagePool: Codable, Hashable, Sendable {
    public var sizeKB: Int
    public var total: Int
    public var used: Int
    public var reserved: Int
    public var free: Int?
    public var surplus: Int?

    public init(sizeKB: Int, total: Int, used: Int = 0, reserved: Int = 0, free: Int? = nil, surplus: Int? = nil) {
        self.sizeKB = sizeKB
        self.total = total
        self.used = used
        self.reserved = reserved
        self.free = free
        self.surplus = surplus
    }

    /// Pages a new guest may still take.
    public var available: Int { Swift.max(0, total - used - reserved) }

    enum CodingKeys: String, CodingKey {
        case sizeKB = "size_kb", total, used, reserved, free, surplus
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sizeKB = try c.decodeNonNegative(.sizeKB)
        guard sizeKB > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .sizeKB, in: c, debugDescription: "page size must be positive")
        }
        guard sizeKB <= ContractLimits.maxPageSizeKB else {
            throw DecodingError.dataCorruptedError(
                forKey: .sizeKB, in: c, debugDescription: ContractLimits.tooLarge(sizeKB, limit: ContractLimits.maxPageSizeKB))
        }
        total = try c.decodeNonNegative(.total)
        used = try c.decodeNonNegative(.used, default: 0)
        reserved = try c.decodeNonNegative(.reserved, default: 0)
        free = try c.decodeNonNegativeIfPresent(.free)
        surplus = try c.decodeNonNegativeIfPresent(.surplus)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sizeKB, forKey: .sizeKB)
        try c.encode(total, forKey: .total)
        try c.encode(used, forKey: .used)
        try c.encode(reserved, forKey: .reserved)
        try c.encodeIfPresent(free, forKey: .free)
        try c.encodeIfPresent(surplus, forKey: .surplus)
    }
}
