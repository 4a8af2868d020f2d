/// The one rule for host and ledger strings that reach a terminal, a log
/// line or plain-text output. A consumer name, device name or host name can
/// hold anything: ESC and other controls recolour or move the cursor, and
/// Unicode format characters (bidi overrides and isolates U+202A–202E and
/// U+2066–2069, zero-width U+200B–200F, U+FEFF, tag characters, soft hyphen:
/// general category Cf) reorder or hide text, so "vm-\u{202E}nimda" reads as
/// another name ("Trojan Source"). JSON keeps them, escaped by its encoder.
public enum SafeText {
    /// C0, DEL and C1 controls (Cc), format characters (Cf), and the line
    /// and paragraph separators U+2028/2029 (Zl, Zp), which break lines.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        // Fast path for what nearly every name is made of; the dashboard
        // runs this on every string of every frame.
        if v >= 0x20 && v < 0x7F { return false }
        if v < 0x20 || v == 0x7F { return true }
        switch u.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    /// `s` without its unsafe characters: for text meant to be read.
    public static func strip(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { !isUnsafe($0) }))
    }

    /// `s` with each unsafe character spelled out (`\x1b`, `\u{202e}`): for
    /// text that must not lose what was there (probe values, warnings).
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if !isUnsafe(u) {
                out.unicodeScalars.append(u)
            } else if u.value < 0x100 {
                let hex = String(u.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out += "\\u{" + String(u.value, radix: 16) + "}"
            }
        }
        return out
    }
}
