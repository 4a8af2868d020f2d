/// `emulator_threads_policy` (Nova's `hw:emulator_threads_policy`).
public enum EmulatorThreadsPolicy: String, Codable, Hashable, Sendable, CaseIterable, ContractEnum {
    case share, isolate

    public init(from decoder: any Decoder) throws { self = try Self.decodeWord(from: decoder) }
}
