import Foundation
import Testing

/// The house rule for every module under `Sources/`: one type per file,
/// named after it (`Type+Topic.swift` holds only extensions of `Type`), and
/// no two types in a module whose names differ by a plural `s`
/// (`LedgerError` beside `LedgerErrors` sent readers to the wrong file).
@Suite struct SourceNamingTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources").path

    /// Top-level type declarations (at the start of a line) in `text`; a
    /// typealias names a type too.
    static func topLevelTypes(_ text: String) -> [String] {
        let kinds: Set<String> = ["struct", "enum", "class", "actor", "protocol", "typealias"]
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

    /// The Swift files of one module, as paths relative to its directory
    /// (subfolders such as `Model/` included).
    static func swiftFiles(of module: String) -> [String] {
        let dir = sources + "/" + module
        let all = FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".swift") }.sorted()
    }

    static func modules() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: sources).sorted()
            .filter { !swiftFiles(of: $0).isEmpty }
    }

    @Test func everyModuleIsChecked() throws {
        let modules = try Self.modules()
        for expected in ["TrackerCore", "BoundedFile", "HostProbes", "Ledger", "Dashboard", "restrack", "restrack-bench"] {
            #expect(modules.contains(expected), "Sources/\(expected) not found at \(Self.sources): \(modules)")
        }
        #expect(Self.swiftFiles(of: "Ledger").count > 10)
    }

    @Test(arguments: try SourceNamingTests.modules())
    func oneTypePerFileNamedAfterIt(module: String) throws {
        var all: [String] = []
        for file in Self.swiftFiles(of: module) {
            let text = try String(contentsOfFile: Self.sources + "/" + module + "/" + file, encoding: .utf8)
            let base = String(URL(fileURLWithPath: file).lastPathComponent.dropLast(".swift".count))
            let types = Self.topLevelTypes(text)
            all += types
            if let plus = base.firstIndex(of: "+") {
                let extended = String(base[..<plus])
                #expect(types.isEmpty, "\(module)/\(file) holds extensions only, yet declares \(types)")
                #expect(text.contains("extension \(extended)"), "\(module)/\(file) does not extend \(extended)")
            } else {
                #expect(types == [base], "\(module)/\(file) declares \(types), expected exactly [\(base)]")
            }
        }
        let names = Set(all)
        for name in names.sorted() where names.contains(name + "s") {
            Issue.record("\(module): types \(name) and \(name)s differ only by a plural s")
        }
    }
}
