/// Colours for every role, read from a `.theme` file in btop's syntax:
/// `theme[key]="#RRGGBB"` per line, `#` comments, unknown keys ignored,
/// missing keys taken from the built-in default. restrack's own keys are
/// listed in `Theme.defaultValues`; `theme[attributes_only]="true"` makes
/// a theme that uses bold/reverse/dim only (mono).
public struct Theme: Hashable, Sendable {
    public var name: String
    /// Key → colour; a nil value means the terminal's default colour.
    public var values: [String: RGB?]
    public var attributesOnly: Bool

    public init(name: String, values: [String: RGB?], attributesOnly: Bool = false) {
        self.name = name
        self.values = values
        self.attributesOnly = attributesOnly
    }

    /// The dark default, also the fallback for keys a theme file leaves out.
    public static let defaultValues: [String: RGB?] = [
        "main_bg": nil,
        "main_fg": RGB(0xc8, 0xcc, 0xd4),
        "title": RGB(0xff, 0xff, 0xff),
        "hi_fg": RGB(0x5f, 0xaf, 0xff),
        "inactive_fg": RGB(0x80, 0x84, 0x90),
        "selected_bg": RGB(0x2e, 0x4a, 0x6e),
        "selected_fg": RGB(0xff, 0xff, 0xff),
        "box": RGB(0x4c, 0x56, 0x6a),
        "focus_box": RGB(0x5f, 0xaf, 0xff),
        "free": RGB(0x5f, 0xd7, 0x87),
        "shared": RGB(0x87, 0xaf, 0xd7),
        "used": RGB(0xd7, 0xaf, 0x5f),
        "pinned": RGB(0xff, 0xaf, 0x00),
        "reserved": RGB(0x87, 0x87, 0xaf),
        "isolated": RGB(0xaf, 0x87, 0xff),
        "offline": RGB(0x6c, 0x6c, 0x6c),
        "stuck": RGB(0xff, 0x5f, 0x5f),
        "danger": RGB(0xff, 0x5f, 0x5f),
        "ok": RGB(0x5f, 0xd7, 0x87),
        "warn": RGB(0xff, 0xd7, 0x5f),
        "key_fg": RGB(0x00, 0x00, 0x00),
        "key_bg": RGB(0x5f, 0xaf, 0xff),
        "status_fg": RGB(0xc8, 0xcc, 0xd4),
        "status_bg": RGB(0x26, 0x2a, 0x33),
        "bar_start": RGB(0x5f, 0xd7, 0x87),
        "bar_mid": RGB(0xd7, 0xaf, 0x5f),
        "bar_end": RGB(0xff, 0x5f, 0x5f),
        "bar_reserved": RGB(0x87, 0x87, 0xaf),
        "bar_free": RGB(0x44, 0x48, 0x50),
    ]

    public static let builtinDefault = Theme(name: "default", values: defaultValues)
    public static let builtinMono = Theme(name: "mono", values: defaultValues, attributesOnly: true)

    /// btop's own names for the same things, so a btop theme gives a sane look.
    static let aliases: [String: String] = ["div_line": "box", "cpu_box": "box", "proc_misc": "shared"]

    /// Parses theme text; lines that cannot be read are returned as warnings
    /// and leave the default in place.
    public static func parse(_ text: String, name: String) -> (Theme, [String]) {
        var values = defaultValues
        var warnings: [String] = []
        var attributesOnly = false
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmed(" \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]"),
                  let eq = line[close...].firstIndex(of: "=") else {
                warnings.append("theme \(name) line \(n + 1): not theme[key]=\"value\"; ignored")
                continue
            }
            var key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
            var value = String(line[line.index(after: eq)...]).trimmed(" \t")
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            key = aliases[key] ?? key
            if key == "attributes_only" {
                attributesOnly = value == "true" || value == "1"
                continue
            }
            guard defaultValues.keys.contains(key) else { continue }  // unknown keys ignored, as btop does
            if value.isEmpty {
                values[key] = .some(nil)
            } else if let c = RGB(themeValue: value) {
                values[key] = c
            } else {
                warnings.append("theme \(name) line \(n + 1): '\(value)' is not a colour; using the default")
            }
        }
        return (Theme(name: name, values: values, attributesOnly: attributesOnly), warnings)
    }

    /// A key's colour; nil means the terminal default.
    public func color(_ key: String) -> RGB? {
        if let v = values[key] { return v }
        return Theme.defaultValues[key] ?? nil
    }

    /// Foreground and background keys for a role (background nil = main_bg).
    public static func keys(for role: Role) -> (fg: String, bg: String?) {
        switch role {
        case .normal, .label: return ("main_fg", nil)
        case .dim: return ("inactive_fg", nil)
        case .title, .value: return ("title", nil)
        case .box: return ("box", nil)
        case .focusBox: return ("focus_box", nil)
        case .selected: return ("selected_fg", "selected_bg")
        case .free: return ("free", nil)
        case .shared: return ("shared", nil)
        case .used: return ("used", nil)
        case .pinned: return ("pinned", nil)
        case .reserved: return ("reserved", nil)
        case .isolated: return ("isolated", nil)
        case .offline: return ("offline", nil)
        case .stuck: return ("stuck", nil)
        case .danger: return ("danger", nil)
        case .ok: return ("ok", nil)
        case .warn: return ("warn", nil)
        case .key: return ("key_fg", "key_bg")
        case .statusBar: return ("status_fg", "status_bg")
        case .barReserved: return ("bar_reserved", nil)
        case .barFree: return ("bar_free", nil)
        case .grad0, .grad1, .grad2, .grad3, .grad4: return ("bar_start", nil)
        }
    }

    /// The (foreground, background) colours of a role; nil = terminal default.
    public func colors(for role: Role) -> (fg: RGB?, bg: RGB?) {
        let k = Theme.keys(for: role)
        let bg = k.bg.flatMap { color($0) } ?? color("main_bg")
        switch role {
        case .grad0, .grad1, .grad2, .grad3, .grad4:
            let steps: [Role] = [.grad0, .grad1, .grad2, .grad3, .grad4]
            let t = Double(steps.firstIndex(of: role) ?? 0) / Double(steps.count - 1)
            return (gradient(t), bg)
        default:
            return (color(k.fg), bg)
        }
    }

    /// btop's three-stop gradient; an empty `bar_mid` means two stops.
    public func gradient(_ t: Double) -> RGB? {
        guard let start = color("bar_start") else { return nil }
        let end = color("bar_end") ?? start
        if let mid = color("bar_mid") {
            return t < 0.5 ? start.mixed(with: mid, t * 2) : mid.mixed(with: end, (t - 0.5) * 2)
        }
        return start.mixed(with: end, t)
    }
}
