/// `cpu_thread_policy` (Nova's `hw:cpu_thread_policy`).
public enum CPUThreadPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case prefer, isolate, require

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}
