/// Nova's `fields.PciDeviceStatus`, the states a device moves through.
public enum PCIDeviceStatus: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case available, claimed, allocated, unavailable, unclaimable

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}
