/// One resource class's inventory on a provider, as Placement stores it.
public struct Inventory: Codable, Hashable, Sendable {
    public var total: Int
    public var reserved: Int
    public var minUnit: Int
    public var maxUnit: Int
    public var stepSize: Int
    public var allocationRatio: Double

    public init(total: Int, reserved: Int = 0, minUnit: Int = 1, maxUnit: Int? = nil, stepSize: Int = 1,
                allocationRatio: Double = 1.0) {
        self.total = total
        self.reserved = reserved
        self.minUnit = minUnit
        self.maxUnit = maxUnit ?? total
        self.stepSize = stepSize
        self.allocationRatio = allocationRatio
    }

    /// Placement stores the ratio as a float: equal within its precision.
    public func matches(_ other: Inventory) -> Bool {
        total == other.total && reserved == other.reserved && minUnit == other.minUnit && maxUnit == other.maxUnit
            && stepSize == other.stepSize && abs(allocationRatio - other.allocationRatio) < 1e-6
    }

    enum CodingKeys: String, CodingKey {
        case total, reserved
        case minUnit = "min_unit", maxUnit = "max_unit", stepSize = "step_size", allocationRatio = "allocation_ratio"
    }
}
