import ArgumentParser
import Dashboard
import Foundation

/// Shell completion of `--theme`: the theme names the dashboard would find
/// (the same catalog and search path), or `.theme` files and directories
/// once the word looks like a path.
enum ThemeNameCompletion {
    static let kind = CompletionKind.custom { _, _, prefix in candidates(prefix: prefix) }

    static func candidates(prefix: String) -> [String] {
        guard let slash = prefix.lastIndex(of: "/") else {
            let catalog = ThemeCatalog.standard(environment: ProcessInfo.processInfo.environment,
                                                executablePath: ExecutableLocation.path)
            return catalog.names().filter { $0.hasPrefix(prefix) }
        }
        let dir = String(prefix[...slash])
        let stem = String(prefix[prefix.index(after: slash)...])
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return entries.filter { $0.hasPrefix(stem) }.sorted().compactMap { name in
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + name, isDirectory: &isDir) else { return nil }
            if isDir.boolValue { return dir + name + "/" }
            return name.hasSuffix(".theme") ? dir + name : nil
        }
    }
}
