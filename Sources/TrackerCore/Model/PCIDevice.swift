/// One PCI function on the host. The first block of fields is the fit
/// contract; the second is what the probes add for operators (names, driver,
/// IOMMU group, network interfaces, SR-IOV counts) and the fitter ignores.
public struct PCIDevice: Codable, Hashable, Sendable {
    /// `DDDD:BB:DD.F`, lower-case hex.
    public var address: String
    /// Four lower-case hex digits, no `0x`.
    public var vendorID: String
    public var productID: String
    public var devType: PCIDeviceType
    /// nil when the device reports no locality (sysfs `numa_node` = -1).
    public var numaNode: Int?
    public var physicalNetwork: String?
    /// The PF's address, for a VF.
    public var parentAddr: String?
    public var status: PCIDeviceStatus

    public var classCode: String?
    public var className: String?
    public var vendorName: String?
    public var deviceName: String?
    public var subsystemVendorID: String?
    public var subsystemDeviceID: String?
    public var subsystemName: String?
    public var driver: String?
    public var iommuGroup: Int?
    public var netInterfaces: [String]?
    public var sriovTotalVFs: Int?
    public var sriovNumVFs: Int?

    public init(
        address: String, vendorID: String, productID: String, devType: PCIDeviceType = .pci,
        numaNode: Int? = nil, physicalNetwork: String? = nil, parentAddr: String? = nil,
        status: PCIDeviceStatus = .available
    ) {
        self.address = address
        self.vendorID = vendorID
        self.productID = productID
        self.devType = devType
        self.numaNode = numaNode
        self.physicalNetwork = physicalNetwork
        self.parentAddr = parentAddr
        self.status = status
    }

    enum CodingKeys: String, CodingKey {
        case address, vendorID = "vendor_id", productID = "product_id", devType = "dev_type"
        case numaNode = "numa_node", physicalNetwork = "physical_network", parentAddr = "parent_addr", status
        case classCode = "class_code", className = "class_name", vendorName = "vendor_name"
        case deviceName = "device_name", subsystemVendorID = "subsystem_vendor_id"
        case subsystemDeviceID = "subsystem_device_id", subsystemName = "subsystem_name"
        case driver, iommuGroup = "iommu_group", netInterfaces = "net_interfaces"
        case sriovTotalVFs = "sriov_totalvfs", sriovNumVFs = "sriov_numvfs"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        address = try c.decode(String.self, forKey: .address)
        vendorID = try c.decode(String.self, forKey: .vendorID)
        productID = try c.decode(String.self, forKey: .productID)
        devType = try c.decodeIfPresent(PCIDeviceType.self, forKey: .devType) ?? .pci
        numaNode = try c.decodeIfPresent(Int.self, forKey: .numaNode)
        if let n = numaNode, n < 0 { numaNode = nil }
        physicalNetwork = try c.decodeIfPresent(String.self, forKey: .physicalNetwork)
        parentAddr = try c.decodeIfPresent(String.self, forKey: .parentAddr)
        status = try c.decodeIfPresent(PCIDeviceStatus.self, forKey: .status) ?? .available
        classCode = try c.decodeIfPresent(String.self, forKey: .classCode)
        className = try c.decodeIfPresent(String.self, forKey: .className)
        vendorName = try c.decodeIfPresent(String.self, forKey: .vendorName)
        deviceName = try c.decodeIfPresent(String.self, forKey: .deviceName)
        subsystemVendorID = try c.decodeIfPresent(String.self, forKey: .subsystemVendorID)
        subsystemDeviceID = try c.decodeIfPresent(String.self, forKey: .subsystemDeviceID)
        subsystemName = try c.decodeIfPresent(String.self, forKey: .subsystemName)
        driver = try c.decodeIfPresent(String.self, forKey: .driver)
        iommuGroup = try c.decodeIfPresent(Int.self, forKey: .iommuGroup)
        netInterfaces = try c.decodeIfPresent([String].self, forKey: .netInterfaces)
        sriovTotalVFs = try c.decodeNonNegativeIfPresent(.sriovTotalVFs)
        sriovNumVFs = try c.decodeNonNegativeIfPresent(.sriovNumVFs)
        if devType == .vf, parentAddr == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .parentAddr, in: c, debugDescription: "a type-VF device needs parent_addr (its PF's address)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(address, forKey: .address)
        try c.encode(vendorID, forKey: .vendorID)
        try c.encode(productID, forKey: .productID)
        try c.encode(devType, forKey: .devType)
        try c.encode(numaNode, forKey: .numaNode)
        try c.encodeIfPresent(physicalNetwork, forKey: .physicalNetwork)
        try c.encodeIfPresent(parentAddr, forKey: .parentAddr)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(classCode, forKey: .classCode)
        try c.encodeIfPresent(className, forKey: .className)
        try c.encodeIfPresent(vendorName, forKey: .vendorName)
        try c.encodeIfPresent(deviceName, forKey: .deviceName)
        try c.encodeIfPresent(subsystemVendorID, forKey: .subsystemVendorID)
        try c.encodeIfPresent(subsystemDeviceID, forKey: .subsystemDeviceID)
        try c.encodeIfPresent(subsystemName, forKey: .subsystemName)
        try c.encodeIfPresent(driver, forKey: .driver)
        try c.encodeIfPresent(iommuGroup, forKey: .iommuGroup)
        try c.encodeIfPresent(netInterfaces, forKey: .netInterfaces)
        try c.encodeIfPresent(sriovTotalVFs, forKey: .sriovTotalVFs)
        try c.encodeIfPresent(sriovNumVFs, forKey: .sriovNumVFs)
    }
}
