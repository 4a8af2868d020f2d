import Foundation
import Testing
@testable import Ledger

/// A ledger path that is a symlink to a file not created yet.
@Suite struct LedgerDanglingLinkTests {
    @Test func danglingSymlinkIsRefusedNotCreatedWorldReadable() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let target = f.dir + "/elsewhere.sqlite"
        #expect(symlink(target, f.path) == 0)
        let old = umask(0o022)
        defer { umask(old) }
        do {
            _ = try Ledger.open(path: f.path)
            Issue.record("a dangling symlink must be refused")
        } catch {
            #expect(error.description.contains("symlink to a file that does not exist"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        // An empty target is not a ledger; once the ledger is made at the
        // target itself, it opens through the link.
        #expect(FileManager.default.createFile(atPath: target, contents: Data(), attributes: [.posixPermissions: 0o600]))
        #expect(throws: LedgerError.self) { try Ledger.open(path: f.path) }
        unlink(target)
        _ = try Ledger.open(path: target)
        _ = try Ledger.open(path: f.path)
        var st = stat()
        #expect(stat(target, &st) == 0 && st.st_mode & 0o777 == 0o600)
    }
}
