/// A UUID derived from text, the same on every run: a claim's consumer
/// UUID comes from the root provider's UUID and the claim id, so a sync
/// killed after writing an allocation and before recording its consumer
/// finds the same consumer next time instead of leaving an orphan. Two
/// FNV-1a hashes with different offsets fill the 128 bits; the version
/// nibble says 8 (custom) and the variant is RFC 4122's.
public enum StableUUID {
    public static func make(_ text: String) -> String {
        let a = fnv(text, offset: 0xcbf2_9ce4_8422_2325)
        let b = fnv(text, offset: 0x8422_2325_cbf2_9ce4 ^ 0x5253_544C)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: a >> (56 - 8 * $0)) }
            + (0..<8).map { UInt8(truncatingIfNeeded: b >> (56 - 8 * $0)) }
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b -> String in
            let digits = String(b, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    public static func fnv(_ text: String, offset: UInt64) -> UInt64 {
        var h = offset
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}
