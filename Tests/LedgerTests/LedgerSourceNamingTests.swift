import Foundation
import Testing

/// The house rule for the Ledger module: one type per file, named after it
/// (`Type+Topic.swift` holds only extensions of `Type`), and no two types
/// whose names differ by a plural `s` (`LedgerError` beside `LedgerErrors`
/// sent readers to the wrong file).
@Suite struct LedgerSourceNamingTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Ledger").path

    /// Top-level type declarations (at the start of a line) in `text`.
    static func topLevelTypes(_ text: String) -> [String] {
        let kinds: Set<String> = ["struct", "enum", "class", "actor", "protocol"]
        let skip: Set<String> = ["public", "internal", "package", "private", "fileprivate", "final", "indirect"]
        var names: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(" ") {
            var words = line.split(separator: " ").map(String.init)[...]
            while let w = words.first, skip.contains(w) { words = words.dropFirst() }
            guard let kind = words.first, kinds.contains(kind), let name = words.dropFirst().first else { continue }
            names.append(String(name.prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
        }
        return names
    }

    @Test func oneTypePerFileNamedAfterIt() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.sources).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10, "Sources/Ledger not found at \(Self.sources)")
        var all: [String] = []
        for file in files.sorted() {
            let text = try String(contentsOfFile: Self.sources + "/" + file, encoding: .utf8)
            let base = String(file.dropLast(".swift".count))
            let types = Self.topLevelTypes(text)
            all += types
            if let plus = base.firstIndex(of: "+") {
                let extended = String(base[..<plus])
                #expect(types.isEmpty, "\(file) holds extensions only, yet declares \(types)")
                #expect(text.contains("extension \(extended)"), "\(file) does not extend \(extended)")
            } else {
                #expect(types == [base], "\(file) declares \(types), expected exactly [\(base)]")
            }
        }
        let names = Set(all)
        for name in names.sorted() where names.contains(name + "s") {
            Issue.record("types \(name) and \(name)s differ only by a plural s")
        }
    }
}
