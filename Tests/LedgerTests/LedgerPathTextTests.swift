import Foundation
import Testing
@testable import Ledger

/// Paths are operator text: a `%` in one is a character, not a format.
@Suite struct LedgerPathTextTests {
    @Test func percentInTheDirectoryIsQuotedAsIs() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let dir = f.dir + "/a%@b%s%n"
        #expect(mkdir(dir, 0o700) == 0 && chmod(dir, 0o777) == 0)
        do {
            _ = try Ledger.open(path: dir + "/ledger.sqlite")
            Issue.record("a directory others can write must be refused")
        } catch {
            #expect(error.description.contains("/a%@b%s%n is writable by other users (mode 777)"), "\(error)")
        }
    }
}
