/// One row of the key table: the keys, what they do, and whether they
/// change the ledger. The help overlay, the function-key bar and
/// read-only mode are all generated from `KeyBinding.table`.
public struct KeyBinding: Hashable, Sendable {
    public var keys: [Key]
    public var command: Command
    public var summary: String
    /// Removed in `--read-only` mode.
    public var changesLedger: Bool
    /// Label in the function-key bar, when the binding is shown there.
    public var barLabel: String?

    public init(_ keys: [Key], _ command: Command, _ summary: String, changesLedger: Bool = false,
                bar: String? = nil) {
        self.keys = keys
        self.command = command
        self.summary = summary
        self.changesLedger = changesLedger
        self.barLabel = bar
    }

    public static let table: [KeyBinding] = [
        KeyBinding([.char("?"), .function(1)], .help, "help (this screen)", bar: "Help"),
        KeyBinding([.tab], .focusNext, "focus next pane"),
        KeyBinding([.backTab], .focusPrev, "focus previous pane"),
        KeyBinding([.up, .char("k")], .up, "move up"),
        KeyBinding([.down, .char("j")], .down, "move down"),
        KeyBinding([.left, .char("h")], .left, "move left / collapse PF"),
        KeyBinding([.right, .char("l")], .right, "move right / expand PF"),
        KeyBinding([.pageUp], .pageUp, "page up"),
        KeyBinding([.pageDown], .pageDown, "page down"),
        KeyBinding([.home], .home, "first row"),
        KeyBinding([.end], .end, "last row"),
        KeyBinding([.enter], .drillIn, "drill in: device / claim details"),
        KeyBinding([.escape], .back, "back, close, clear filter"),
        KeyBinding([.char(" ")], .toggleExpand, "expand or collapse a PF's VFs"),
        KeyBinding([.char("/"), .function(3)], .filter, "filter claims and devices", bar: "Filter"),
        KeyBinding([.char("o"), .function(6)], .sort, "next sort column (claims)", bar: "Sort"),
        KeyBinding([.char("d")], .distances, "show NUMA distances"),
        KeyBinding([.char("c"), .function(2)], .claim, "claim: form with live fit preview", changesLedger: true,
                   bar: "Claim"),
        KeyBinding([.char("C")], .confirmClaim, "confirm the selected claim", changesLedger: true),
        KeyBinding([.char("r"), .delete], .release, "release the selected claim", changesLedger: true,
                   bar: "Release"),
        KeyBinding([.char("s")], .showStuck, "show stuck claims only", bar: "Stuck"),
        KeyBinding([.char("R")], .releaseStuck, "release all stuck claims (type the count)", changesLedger: true),
        KeyBinding([.char("p")], .pause, "pause / resume polling", bar: "Pause"),
        KeyBinding([.char("+")], .faster, "poll more often"),
        KeyBinding([.char("-")], .slower, "poll less often"),
        KeyBinding([.char("t")], .nextTheme, "next theme", bar: "Theme"),
        KeyBinding([.char("q"), .function(10)], .quit, "quit", bar: "Quit"),
    ]

    /// The bindings in effect: read-only mode drops every one that changes
    /// the ledger.
    public static func active(readOnly: Bool) -> [KeyBinding] {
        readOnly ? table.filter { !$0.changesLedger } : table
    }

    public static func binding(for key: Key) -> KeyBinding? {
        table.first { $0.keys.contains(key) }
    }
}
