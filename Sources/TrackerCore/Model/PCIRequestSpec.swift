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
