/// A named device request, as in Nova's `[pci] alias`.
public struct PCIAlias: Codable, Hashable, Sendable {
    public var name: String
    public var vendorID: String?
    public var productID: String?
    public var deviceType: PCIDeviceType?
    public var numaPolicy: PCINUMAPolicy?

    public init(name: String, vendorID: String?, productID: String?, deviceType: PCIDeviceType? = nil,
                numaPolicy: PCINUMAPolicy? = nil) {
        self.name = name
        self.vendorID = vendorID
        self.productID = productID
        self.deviceType = deviceType
        self.numaPolicy = numaPolicy
    }

    enum CodingKeys: String, CodingKey {
        case name, vendorID = "vendor_id", productID = "product_id", deviceType = "device_type"
        case numaPolicy = "numa_policy"
    }
}
