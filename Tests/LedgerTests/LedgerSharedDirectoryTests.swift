import Foundation
import Testing
@testable import Ledger

/// A ledger in a directory other users can write (even a sticky one, as
/// /tmp): any of them can create `L.sqlite-journal` first, and one byte in it
/// blocks every restrack with SQLite's misleading "readonly database".
@Suite struct LedgerSharedDirectoryTests {
    @Test(arguments: [0o1777, 0o1770, 0o777, 0o775])
    func directoryOthersCanWriteIsRefusedBeforeAnythingIsCreated(mode: Int) throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let dir = f.dir + "/shared"
        #expect(mkdir(dir, 0o700) == 0 && chmod(dir, mode_t(mode)) == 0)
        let path = dir + "/L.sqlite"
        do {
            _ = try Ledger.open(path: path)
            Issue.record("a ledger in a directory of mode \(String(mode, radix: 8)) must be refused")
        } catch {
            #expect(error.description.hasPrefix("refusing ledger \(path): its directory "), "\(error)")
            #expect(error.description.contains("/shared is writable by other users (mode \(String(mode, radix: 8)))"),
                    "\(error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    /// The README's commands must work as printed: no `--ledger` in a
    /// directory the ledger refuses (the demo once used /tmp/demo.sqlite).
    @Test func readmeNamesNoLedgerInASharedDirectory() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let readme = try String(contentsOfFile: root + "/README.md", encoding: .utf8)
        let words = readme.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "`" }).map(String.init)
        var named: [String] = []
        for (i, w) in words.enumerated() where w == "--ledger" && i + 1 < words.count {
            let path = words[i + 1]
            guard path.hasPrefix("/") else { continue }
            named.append(path)
            var st = stat()
            let dir = (path as NSString).deletingLastPathComponent
            if stat(dir, &st) == 0 {
                #expect(st.st_mode & (S_IWGRP | S_IWOTH) == 0, "README: --ledger \(path) is in a directory others can write")
            }
        }
        #expect(!readme.contains("/tmp/demo.sqlite"))
    }
}
