import Foundation

/// SplitMix64: a small seeded generator for tests, so a random case that
/// fails can be run again exactly. The seed is the test's fixed one unless
/// `RESTRACK_TEST_SEED` (decimal or 0x-hex) overrides it; every assertion
/// that depends on the draws names `label`.
public struct SeededRandom: RandomNumberGenerator {
    public let seed: UInt64
    private var state: UInt64

    /// `fixed`, or the seed `RESTRACK_TEST_SEED` names.
    public init(fixed: UInt64) {
        seed = Self.environmentSeed ?? fixed
        state = seed
    }

    public static var environmentSeed: UInt64? {
        guard let text = ProcessInfo.processInfo.environment["RESTRACK_TEST_SEED"]?
            .trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    /// For assertion comments: the seed and how to replay it.
    public var label: String { "seed \(seed) (replay: RESTRACK_TEST_SEED=\(seed))" }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
