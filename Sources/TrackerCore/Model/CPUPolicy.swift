/// `cpu_policy` (Nova's `hw:cpu_policy`).
public enum CPUPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case shared, dedicated, mixed

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}
