/// Line, bar and tile characters. `ascii` is used with `--ascii` and in
/// non-UTF-8 locales, where box drawing would come out as `lqqk`.
public struct Glyphs: Hashable, Sendable {
    public var h, v, tl, tr, bl, br: Character
    public var teeL, teeR: Character
    public var barUsed, barReserved, barFree: Character
    /// Pages or CPUs in use by something no claim explains.
    public var barOutside: Character
    /// The ends of a header meter (htop's `[` `]`).
    public var meterOpen, meterClose: Character
    public var tilePinned, tileFreeDedicated, tileShared, tileReserved, tileIsolated, tileOffline: Character
    /// A CPU the kernel shows pinned by a holder no claim explains, and one
    /// held by a claim and another holder at once.
    public var tileHeld, tileConflict: Character
    public var expanded, collapsed, branch, lastBranch: Character
    public var ok, bad: Character
    public var isASCII: Bool

    public static let unicode = Glyphs(
        h: "─", v: "│", tl: "┌", tr: "┐", bl: "└", br: "┘", teeL: "┤", teeR: "├",
        barUsed: "█", barReserved: "▒", barFree: "░", barOutside: "▓", meterOpen: "▕", meterClose: "▏",
        tilePinned: "■", tileFreeDedicated: "□", tileShared: "·", tileReserved: "r", tileIsolated: "i",
        tileOffline: "×", tileHeld: "▣", tileConflict: "◆",
        expanded: "▾", collapsed: "▸", branch: "├", lastBranch: "└", ok: "✓", bad: "✗", isASCII: false)

    public static let ascii = Glyphs(
        h: "-", v: "|", tl: "+", tr: "+", bl: "+", br: "+", teeL: "+", teeR: "+",
        barUsed: "#", barReserved: "=", barFree: ".", barOutside: "%", meterOpen: "[", meterClose: "]",
        tilePinned: "#", tileFreeDedicated: "o", tileShared: ".", tileReserved: "r", tileIsolated: "i",
        tileOffline: "x", tileHeld: "@", tileConflict: "!",
        expanded: "v", collapsed: ">", branch: "|", lastBranch: "`", ok: "+", bad: "x", isASCII: true)
}
