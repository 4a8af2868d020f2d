import Foundation
import TestSupport
import Testing
@testable import Ledger

/// SQLite reads and writes the ledger through its `-wal` and `-shm` files
/// too: committed claims sit in the WAL until a checkpoint. One that another
/// user owns or can write (left from a time the directory was shared, or
/// copied in with the ledger) would let them forge claims, so it is refused
/// like the ledger file itself.
@Suite struct LedgerSidecarFileTests {
    @Test func writableOrForeignWALAndSHMAreRefused() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let path = f.path
        do { _ = try Ledger.open(path: path) }
        for suffix in ["-wal", "-shm"] {
            let side = path + suffix
            unlink(side)
            #expect(FileManager.default.createFile(atPath: side, contents: Data()))
            #expect(chmod(side, 0o666) == 0)
            do {
                _ = try Ledger.open(path: path)
                Issue.record("a \(suffix) file others can write must be refused")
            } catch {
                #expect(error.description.contains("ledger.sqlite\(suffix)"), "\(error)")
                #expect(error.description.contains("writable by other users"))
            }
            if TestEnvironment.require(TestEnvironment.isRoot, "root, to chown \(suffix) to another user") {
                // (Re)created: an open that got through would have removed it on close.
                unlink(side)
                #expect(FileManager.default.createFile(atPath: side, contents: Data()))
                #expect(chmod(side, 0o600) == 0 && chown(side, 65534, 65534) == 0)
                do {
                    _ = try Ledger.open(path: path)
                    Issue.record("a \(suffix) file owned by uid 65534 must be refused")
                } catch {
                    #expect(error.description.contains("uid 65534"), "\(error)")
                }
            }
            unlink(side)
        }
        // Without them (or with our own), the ledger opens.
        _ = try Ledger.open(path: path)
    }
}
