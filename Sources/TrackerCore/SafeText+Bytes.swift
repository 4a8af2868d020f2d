/// Bytes from the host (interface names, pci.ids names, file contents
/// quoted in warnings) may not be UTF-8 and may hold controls. They are
/// shown to operators and written to JSON, so they are made printable:
/// invalid bytes become `\xNN`, controls and format characters are spelled
/// out by `escape`, and nothing is dropped silently.
extension SafeText {
    /// Decodes bytes, escaping every byte that is not part of valid UTF-8.
    public static func decode(_ bytes: [UInt8]) -> String {
        // What nearly every driver, interface and group name is: printable
        // ASCII, which is valid UTF-8 and has nothing to escape. The probes
        // decode thousands of these per poll; the loop below builds a
        // String per character.
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return String(decoding: bytes, as: UTF8.self) }
        var out = ""
        var i = 0
        while i < bytes.count {
            let length = utf8SequenceLength(bytes, at: i)
            if length > 0, let s = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
                out += SafeText.escape(s)
                i += length
            } else {
                out += "\\x" + hex2(bytes[i])
                i += 1
            }
        }
        return out
    }

    private static func hex2(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }

    /// The length of the UTF-8 sequence starting at `i` by its lead byte, or
    /// 0 when the lead byte cannot start one or the sequence is cut short.
    private static func utf8SequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let b = bytes[i]
        let n: Int
        switch b {
        case 0x00...0x7F: n = 1
        case 0xC2...0xDF: n = 2
        case 0xE0...0xEF: n = 3
        case 0xF0...0xF4: n = 4
        default: return 0
        }
        return i + n <= bytes.count ? n : 0
    }
}
