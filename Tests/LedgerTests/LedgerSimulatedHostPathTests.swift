import Foundation
import Testing
@testable import Ledger

/// One ledger per simulated host, not per spelling of its path: three
/// spellings once gave three ledgers, so a 4-CPU host took three claims of 2.
@Suite struct LedgerSimulatedHostPathTests {
    static func ledger(for host: String, cwd: String) -> String {
        LedgerLocation.resolve(explicit: nil, environment: [:], effectiveUID: 1000, home: "/home/u", simulatedHost: host,
                               cwd: cwd)
    }

    @Test func everySpellingOfOneHostFileNamesOneLedger() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let hosts = f.dir + "/hosts"
        #expect(mkdir(hosts, 0o700) == 0)
        #expect(FileManager.default.createFile(atPath: hosts + "/h.json", contents: Data("{}".utf8)))
        #expect(symlink(hosts + "/h.json", f.dir + "/link.json") == 0)
        #expect(symlink(hosts, f.dir + "/dirlink") == 0)
        let direct = Self.ledger(for: hosts + "/h.json", cwd: "/")
        #expect(direct.hasPrefix("/home/u/.local/state/restrack/simulated/h.json-"))
        let spellings = [
            hosts + "/../hosts/h.json",
            hosts + "/./h.json",
            hosts + "//h.json",
            f.dir + "/link.json",
            f.dir + "/dirlink/h.json",
        ]
        for s in spellings { #expect(Self.ledger(for: s, cwd: "/") == direct, "\(s)") }
        // Relative to the working directory, as `--host h.json` is typed.
        #expect(Self.ledger(for: "h.json", cwd: hosts) == direct)
        #expect(Self.ledger(for: "./hosts/h.json", cwd: f.dir) == direct)
        #expect(Self.ledger(for: "../hosts/h.json", cwd: f.dir + "/dirlink") == direct)
        // Another file is another host, even when a link gives it that name.
        #expect(FileManager.default.createFile(atPath: f.dir + "/h.json", contents: Data("{}".utf8)))
        #expect(Self.ledger(for: f.dir + "/h.json", cwd: "/") != direct)
    }

    /// A path with nothing there yet (the host load will say so) is still
    /// cleaned, so the name does not depend on `.` or `..`.
    @Test func aPathThatDoesNotResolveIsCleanedLexically() {
        let nowhere = "/nowhere-\(UUID().uuidString)"
        #expect(LedgerLocation.canonical(nowhere + "/a/../hosts/./h.json", cwd: "/") == nowhere + "/hosts/h.json")
        #expect(LedgerLocation.canonical("hosts//h.json", cwd: nowhere + "/") == nowhere + "/hosts/h.json")
        #expect(LedgerLocation.canonical("../h.json", cwd: nowhere + "/x") == nowhere + "/h.json")
    }
}
