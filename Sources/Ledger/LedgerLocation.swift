import Foundation

/// Where the ledger lives: `--ledger PATH`, else `RESTRACK_LEDGER`, else
/// `/var/lib/restrack/ledger.sqlite` for root, else
/// `$XDG_STATE_HOME/restrack/ledger.sqlite` (`~/.local/state/…` when
/// XDG_STATE_HOME is unset or not absolute, as the XDG spec says to ignore it).
///
/// A simulated host (`--host FILE`, `--sysfs-root DIR`) gets a ledger of its
/// own beside the default one, `simulated/<name>-<hash>.sqlite`, so claims
/// made on a demo host never land in the real host's ledger, where they
/// would show up as stuck claims on CPUs and devices the host does not have.
public enum LedgerLocation {
    public static let fileName = "ledger.sqlite"

    /// - Parameter simulatedHost: the path of the simulated host's file or
    ///   tree as typed (relative to `cwd`); nil for the live host. Every
    ///   spelling of one file (`h.json`, `DIR/../DIR/h.json`, a symlink to
    ///   it) names the same ledger.
    public static func resolve(explicit: String?, environment: [String: String], effectiveUID: UInt32,
                               home: String?, simulatedHost: String? = nil,
                               cwd: String = FileManager.default.currentDirectoryPath) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["RESTRACK_LEDGER"], !env.isEmpty { return env }
        let directory: String
        if effectiveUID == 0 {
            directory = "/var/lib/restrack"
        } else if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            directory = "\(xdg)/restrack"
        } else {
            let base = home ?? environment["HOME"] ?? "/"
            directory = "\(base.hasSuffix("/") ? String(base.dropLast()) : base)/.local/state/restrack"
        }
        guard let simulatedHost else { return "\(directory)/\(fileName)" }
        return "\(directory)/simulated/\(simulatedName(canonical(simulatedHost, cwd: cwd)))"
    }

    /// The one spelling of `path`: absolute, symlinks resolved, no `.` or
    /// `..` (realpath). A path that does not resolve (nothing there yet) is
    /// only made absolute and cleaned of `.`, `..` and repeated slashes.
    static func canonical(_ path: String, cwd: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (cwd.hasSuffix("/") ? cwd : cwd + "/") + path
        if let resolved = realpath(absolute, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `<basename>-<16 hex digits>.sqlite`: the name says which host it is,
    /// the FNV-1a hash of the whole path keeps two `host.json` files apart.
    static func simulatedName(_ path: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in path.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        let base = trimmed.split(separator: "/").last.map(String.init) ?? "host"
        let safe = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") ? $0 : "_" }.prefix(48))
        let hex = String(hash, radix: 16)
        return "\(safe)-\(String(repeating: "0", count: 16 - hex.count))\(hex).sqlite"
    }
}
