/// `numa_policy` of a PCI request or alias (Nova's `hw:pci_numa_affinity_policy`).
public enum PCINUMAPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case required, legacy, preferred, socket

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}
