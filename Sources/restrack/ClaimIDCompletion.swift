import ArgumentParser
import Foundation
import Ledger
import TrackerCore

/// Shell completion of claim ids for `confirm`, `release` and `abort`: the
/// live claims of the ledger the command line being typed names (its
/// `--ledger`, `--host` or `--sysfs-root`, as the verb itself would resolve
/// them). Completing never creates a ledger and never prints an error: a
/// ledger that does not exist or cannot be opened completes nothing.
enum ClaimIDCompletion {
    static let kind = CompletionKind.custom { words, index, prefix in
        ids(words: words, completing: index, prefix: prefix)
    }

    static func ids(words: [String], completing index: Int, prefix: String) -> [String] {
        let given = options(in: words, completing: index)
        guard let source = try? HostSourceOptions.parse(given.source),
              let ledger = try? LedgerPathOptions.parse(given.ledger) else { return [] }
        let path = ledger.resolvedPath(for: source)
        guard FileManager.default.fileExists(atPath: path),
              // A TAB press should not sit out the CLI's 5 s busy timeout.
              let book = try? Ledger.open(path: path, options: LedgerOptions(busyTimeoutSeconds: 1)),
              let claims = try? book.claims(states: [.claimed, .confirmed]) else { return [] }
        // `release A B`: an id already on the line is not offered again.
        let typed = Set(words.indices.filter { $0 != index }.map { words[$0] })
        return claims.map(\.id).filter { $0.hasPrefix(prefix) && !typed.contains($0) }.sorted()
    }

    /// The host and ledger options among the shell words (both `--opt value`
    /// and `--opt=value`), without the word being completed.
    static func options(in words: [String], completing index: Int) -> (source: [String], ledger: [String]) {
        var source: [String] = [], ledger: [String] = []
        var i = 0
        while i < words.count {
            let word = words[i]
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            var value: String?
            if word.contains("=") {
                value = String(word.dropFirst(name.count + 1))
            } else if i + 1 < words.count, i + 1 != index {
                value = words[i + 1]
            }
            if i != index, let value, ["--ledger", "--host", "--sysfs-root"].contains(name) {
                if name == "--ledger" { ledger += [name, unquoted(value)] } else { source += [name, unquoted(value)] }
                if !word.contains("=") { i += 1 }
            }
            i += 1
        }
        return (source, ledger)
    }

    /// Shell words arrive as typed: drop one pair of surrounding quotes and
    /// expand a leading `~/`, the spellings a path is usually typed in.
    static func unquoted(_ word: String) -> String {
        var w = word
        if w.count >= 2, let first = w.first, first == "'" || first == "\"", w.last == first {
            w = String(w.dropFirst().dropLast())
        }
        if w.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            w = home + w.dropFirst()
        }
        return w
    }
}
