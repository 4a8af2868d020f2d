import BoundedFile
import Foundation

/// Finds theme files: `--theme NAME|PATH`, then
/// `$XDG_CONFIG_HOME/restrack/themes` (or `~/.config/restrack/themes`), then
/// the installed `themes/` (`../share/restrack/themes` beside the binary's
/// own directory, or the source tree's `themes/` for `swift run`). The first
/// directory holding a name wins. No fixed system paths: an installed
/// binary uses the themes of its own prefix, never another install's.
public struct ThemeCatalog: Sendable {
    public var directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// `executablePath` is where the binary really is (`ExecutableLocation.path`),
    /// not `argv[0]`, which is a bare name when started through `PATH`.
    public static func standard(environment env: [String: String], executablePath: String) -> ThemeCatalog {
        var dirs: [String] = []
        if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty {
            dirs.append(xdg + "/restrack/themes")
        } else if let home = env["HOME"], !home.isEmpty {
            dirs.append(home + "/.config/restrack/themes")
        }
        let binDir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        dirs.append(binDir.appendingPathComponent("../share/restrack/themes").standardized.path)
        // .build/<triple>/debug/restrack → package root/themes
        var up = binDir
        for _ in 0..<4 {
            up = up.deletingLastPathComponent()
            let candidate = up.appendingPathComponent("themes").path
            if FileManager.default.fileExists(atPath: candidate + "/default.theme") {
                dirs.append(candidate)
                break
            }
        }
        return ThemeCatalog(directories: dirs)
    }

    /// Theme names available, in cycling order: default first, then the
    /// rest alphabetically; duplicates across directories collapse.
    public func names() -> [String] {
        var seen = Set<String>(["default"])
        var out = ["default"]
        for dir in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for f in files.sorted() where f.hasSuffix(".theme") {
                let n = String(f.dropLast(6))
                if seen.insert(n).inserted { out.append(n) }
            }
        }
        if seen.insert("mono").inserted { out.append("mono") }
        return out
    }

    /// Loads a theme by name or path. Unknown names fall back to the
    /// built-in default with a warning; never fails.
    public func load(_ nameOrPath: String) -> (Theme, [String]) {
        if nameOrPath.contains("/") {
            let text: String
            switch Self.read(nameOrPath) {
            case .success(let t): text = t
            case .failure(let why):
                return (.builtinDefault, ["theme file \(nameOrPath) \(why.words); using the default theme"])
            }
            let name = URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent
            return Theme.parse(text, name: name)
        }
        for dir in directories {
            let path = dir + "/" + nameOrPath + ".theme"
            switch Self.read(path) {
            case .success(let text): return Theme.parse(text, name: nameOrPath)
            // Not in this directory: the next one may have it.
            case .failure(.missing): continue
            case .failure(let failure):
                return (.builtinDefault, ["theme file \(path) \(failure.words); using the default theme"])
            }
        }
        if nameOrPath == "default" { return (.builtinDefault, []) }
        if nameOrPath == "mono" { return (.builtinMono, []) }
        // The operator reads this on the status line at start: the names
        // that do exist come first, the directories searched last.
        return (.builtinDefault, ["theme '\(nameOrPath)' not found; using default — themes: "
            + names().joined(separator: ", ") + " (looked in " + directories.joined(separator: ", ") + ")"])
    }

    /// The largest theme file read: real ones are a few KiB.
    public static let maxThemeBytes = 256 << 10

    /// A theme file's text through the one bounded reader, so a FIFO or a
    /// device named by `--theme` is refused at once instead of hanging the
    /// dashboard, and a huge file is not read whole.
    static func read(_ path: String) -> Result<String, BoundedFileReader.Failure> {
        BoundedFileReader(limit: maxThemeBytes).read(path).flatMap { bytes in
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(.unreadable("not UTF-8 text"))
            }
            return .success(text)
        }
    }
}
