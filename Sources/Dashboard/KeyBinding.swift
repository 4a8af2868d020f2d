/// One row of the key table: where it applies, the keys, what they do, and
/// whether they change the ledger. The help overlay, the function-key bar,
/// read-only mode and every overlay's key handling come from
/// `KeyBinding.table`.
public struct KeyBinding: Hashable, Sendable {
    public var context: KeyContext
    public var keys: [Key]
    public var command: Command
    public var summary: String
    /// Removed in `--read-only` mode.
    public var changesLedger: Bool
    /// Label in the function-key bar, when the binding is shown there.
    public var barLabel: String?

    public init(_ keys: [Key], _ command: Command, _ summary: String, changesLedger: Bool = false,
                bar: String? = nil, in context: KeyContext = .panes) {
        self.context = context
        self.keys = keys
        self.command = command
        self.summary = summary
        self.changesLedger = changesLedger
        self.barLabel = bar
    }

    public static let table: [KeyBinding] = panes + help + detail + claimForm + confirmRelease + releaseStuck + filter

    static let panes: [KeyBinding] = [
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
        KeyBinding([.enter], .drillIn, "drill in: device / claim / holder details"),
        KeyBinding([.escape], .back, "back, close, clear filter"),
        KeyBinding([.char(" ")], .toggleExpand, "expand or collapse a PF's VFs"),
        KeyBinding([.char("/"), .function(3)], .filter, "filter claims, holders and devices", bar: "Filter"),
        KeyBinding([.char("o"), .function(6)], .sort, "next sort column (claims)", bar: "Sort"),
        KeyBinding([.char("d")], .distances, "show NUMA distances"),
        KeyBinding([.char("H")], .holders, "holders view: who holds CPUs, pages, devices (again: claims)", bar: "Holders"),
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

    /// Scrolling shared by help and the detail views.
    static func scrolling(_ context: KeyContext) -> [KeyBinding] {
        [
            KeyBinding([.up, .char("k")], .scrollUp, "scroll up one line", in: context),
            KeyBinding([.down, .char("j")], .scrollDown, "scroll down one line", in: context),
            KeyBinding([.pageUp], .scrollPageUp, "scroll up one page", in: context),
            KeyBinding([.pageDown], .scrollPageDown, "scroll down one page", in: context),
            KeyBinding([.home], .scrollTop, "scroll to the top", in: context),
            KeyBinding([.end], .scrollBottom, "scroll to the bottom", in: context),
        ]
    }

    static let help: [KeyBinding] = scrolling(.help) + [
        KeyBinding([.char("q"), .function(10)], .quit, "quit restrack", in: .help),
        KeyBinding([.escape], .close, "close help (so does any key not listed here)", in: .help),
    ]

    static let detail: [KeyBinding] = scrolling(.detail) + [
        KeyBinding([.char("C")], .confirmClaim, "confirm the claim shown", changesLedger: true, in: .detail),
        KeyBinding([.char("r"), .delete], .release, "release the claim shown", changesLedger: true, in: .detail),
        KeyBinding([.escape, .enter, .char("q"), .left, .backspace], .close, "back to the panes", in: .detail),
    ]

    static let claimForm: [KeyBinding] = [
        KeyBinding([.down, .tab], .nextField, "next field", in: .claimForm),
        KeyBinding([.up, .backTab], .previousField, "previous field", in: .claimForm),
        KeyBinding([.enter], .accept, "next field; on a button, press it", in: .claimForm),
        KeyBinding([.left], .left, "previous choice in a ‹ › field; Claim button", in: .claimForm),
        KeyBinding([.right], .right, "next choice in a ‹ › field; Cancel button", in: .claimForm),
        KeyBinding([.char(" ")], .changeChoice, "next choice in a ‹ › field", in: .claimForm),
        KeyBinding([.backspace], .erase, "erase; type digits, or any text for the consumer", in: .claimForm),
        KeyBinding([.escape], .cancel, "close without claiming", in: .claimForm),
    ]

    static let confirmRelease: [KeyBinding] = [
        KeyBinding([.left, .right, .tab, .backTab], .switchButton, "move between Release and Cancel", in: .confirmRelease),
        KeyBinding([.enter], .accept, "press the focused button (Cancel at first)", in: .confirmRelease),
        KeyBinding([.backspace], .erase, "erase; type a reason for the audit log (optional)", in: .confirmRelease),
        KeyBinding([.escape], .cancel, "close, nothing released", in: .confirmRelease),
    ]

    static let releaseStuck: [KeyBinding] = [
        KeyBinding([.enter], .accept, "release when the typed number is the count", in: .releaseStuck),
        KeyBinding([.backspace], .erase, "erase; type the number of stuck claims", in: .releaseStuck),
        KeyBinding([.escape], .cancel, "close, nothing released", in: .releaseStuck),
    ]

    static let filter: [KeyBinding] = [
        KeyBinding([.enter], .accept, "keep the filter and close the prompt", in: .filter),
        KeyBinding([.backspace], .erase, "erase; typed text filters as you type", in: .filter),
        KeyBinding([.escape], .cancel, "clear the filter and close the prompt", in: .filter),
    ]

    /// The pane bindings in effect: read-only mode drops every one that
    /// changes the ledger.
    public static func active(readOnly: Bool) -> [KeyBinding] {
        readOnly ? panes.filter { !$0.changesLedger } : panes
    }

    public static func binding(for key: Key, in context: KeyContext = .panes) -> KeyBinding? {
        table.first { $0.context == context && $0.keys.contains(key) }
    }

    /// The command `key` means in `context`, if it is bound there.
    public static func command(for key: Key, in context: KeyContext) -> Command? {
        binding(for: key, in: context)?.command
    }
}
