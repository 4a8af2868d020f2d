/// Where the ledger lives: `--ledger PATH`, else `RESTRACK_LEDGER`, else
/// `/var/lib/restrack/ledger.sqlite` for root, else
/// `$XDG_STATE_HOME/restrack/ledger.sqlite` (`~/.local/state/…` when
/// XDG_STATE_HOME is unset or not absolute, as the XDG spec says to ignore it).
public enum LedgerLocation {
    public static let fileName = "ledger.sqlite"

    public static func resolve(explicit: String?, environment: [String: String], effectiveUID: UInt32,
                               home: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["RESTRACK_LEDGER"], !env.isEmpty { return env }
        if effectiveUID == 0 { return "/var/lib/restrack/\(fileName)" }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            return "\(xdg)/restrack/\(fileName)"
        }
        let base = home ?? environment["HOME"] ?? "/"
        return "\(base.hasSuffix("/") ? String(base.dropLast()) : base)/.local/state/restrack/\(fileName)"
    }
}
