import TrackerCore

/// The screen's use of the one sanitizer: what may be drawn into a canvas
/// cell, where a character must also take exactly one column.
extension SafeText {
    /// Turns tabs and newlines into spaces, drops what `SafeText` calls
    /// unsafe (controls, so escape sequences lose their introducer, and
    /// format characters such as bidi overrides and zero-width spaces,
    /// which would reorder or hide a name), and replaces
    /// characters the canvas cannot place in one column (wide CJK, emoji,
    /// combining marks, bidi controls) with `?`. With `ascii`, every
    /// non-ASCII character becomes `?`.
    public static func forScreen(_ s: String, ascii: Bool = false) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let v = u.value
            if v == 0x09 || v == 0x0A || v == 0x0D { out.append(" "); continue }
            if SafeText.isUnsafe(u) { continue }
            if ascii && v >= 0x80 {
                // Our own separators (·, ×, arrows) have ASCII stand-ins.
                let stand = asciiStandIns[Character(u)].flatMap { $0.unicodeScalars.first } ?? "?"
                out.append(stand)
                continue
            }
            out.append(isNarrow(v) ? u : "?")
        }
        return String(out)
    }

    /// Conservative single-column test: Latin, Greek, Cyrillic and the
    /// box/block/geometric ranges the dashboard itself uses.
    static func isNarrow(_ v: UInt32) -> Bool {
        if v < 0x300 { return true }
        if v >= 0x370 && v < 0x530 { return true }
        if v >= 0x2010 && v < 0x2028 { return true }  // dashes, bullets, ellipsis
        if v >= 0x2190 && v < 0x2200 { return true }  // arrows
        if v >= 0x2500 && v < 0x2600 { return true }  // box drawing, blocks, geometric shapes
        if v == 0x2713 || v == 0x2717 || v == 0x2039 || v == 0x203A { return true }  // ✓ ✗ ‹ ›, our own marks
        return false
    }

    /// ASCII stand-ins for the dashboard's own non-ASCII glyphs, for
    /// `--ascii` and non-UTF-8 locales.
    static let asciiStandIns: [Character: Character] = [
        "·": ".", "×": "x", "…": "~", "↳": ">", "‹": "<", "›": ">", "✓": "+", "✗": "x", "─": "-", "│": "|",
        "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+", "█": "#", "▒": "=", "░": ".", "■": "#",
        "□": "o", "▓": "%", "▕": "[", "▏": "]", "▣": "@", "◆": "!", "▾": "v", "▸": ">", "↑": "^", "↓": "v", "←": "<", "→": ">",
    ]
}
