import Testing
import TrackerCore

@Suite struct SafeTextTests {
    /// Every character the Trojan Source paper (CVE-2021-42574) uses to make
    /// text display in another order or hide part of it, plus the controls.
    static let invisible: [UInt32] = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                                      0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x061C, 0x00AD, 0x2060,
                                      0xE0041, 0x2028, 0x2029, 0x1B, 0x07, 0x7F, 0x9B, 0x85]

    @Test func stripsBidiZeroWidthFormatAndControls() throws {
        for v in Self.invisible {
            let u = try #require(Unicode.Scalar(v))
            #expect(SafeText.isUnsafe(u), "U+\(String(v, radix: 16)) must not reach a terminal")
            var s = "vm-"
            s.unicodeScalars.append(u)
            s += "admin"
            #expect(SafeText.strip(s) == "vm-admin")
        }
        // "vm-" RLO "nimda" would display as "vm-admin" on a bidi terminal.
        #expect(SafeText.strip("vm-\u{202E}nimda\u{202C}") == "vm-nimda")
    }

    @Test func keepsPrintableTextAndEscapesTheRest() {
        for s in ["eth0", "wlän", "Ωmega", "名前", "café ☕", "tab-less", ""] {
            #expect(SafeText.strip(s) == s)
            #expect(SafeText.escape(s) == s)
        }
        #expect(SafeText.escape("a\u{1B}[2Jb") == "a\\x1b[2Jb")
        #expect(SafeText.escape("x\u{2067}y\u{FEFF}") == "x\\u{2067}y\\u{feff}")
        #expect(SafeText.escape("\u{9B}") == "\\x9b")
    }
}
