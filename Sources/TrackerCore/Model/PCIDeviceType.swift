/// `dev_type` of the contract (Nova's `fields.PciDeviceType`).
public enum PCIDeviceType: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case pci = "type-PCI"
    case pf = "type-PF"
    case vf = "type-VF"

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}
