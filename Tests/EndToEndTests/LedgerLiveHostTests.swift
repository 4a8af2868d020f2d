import Foundation
import Testing

/// The verbs against this machine (no --host): probe, claim, list, check, release.
@Suite struct LedgerLiveHostTests {
    @Test func claimListCheckReleaseOnThisHost() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        // A small floating guest fits any machine that can run these tests.
        let req = cli.write("small.json", #"{"vcpus": 1, "memory_mb": 16}"#)
        let claim = LedgerCLI.run(["claim", "--ledger", ledger, "--request", req, "--consumer", "live-e2e",
                                   "--pid", "\(getpid())", "--json"])
        #expect(claim.status == 0, "\(claim.stderr)")
        let obj = LedgerCLI.json(claim.stdout) as? [String: Any]
        let id = obj?["id"] as? String ?? ""
        #expect(((obj?["usage"] as? [String: Any])?["floating_vcpus"] as? Int) == 1)
        #expect(((obj?["consumer"] as? [String: Any])?["pid"] as? Int) == Int(getpid()))
        let list = LedgerCLI.run(["list", "--ledger", ledger, "--json"])
        #expect((LedgerCLI.json(list.stdout) as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } == [id])
        let check = LedgerCLI.run(["check", "--ledger", ledger])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(LedgerCLI.run(["release", id, "--ledger", ledger]).status == 0)
        #expect(LedgerCLI.run(["list", "--ledger", ledger]).stdout.contains("no claims"))
    }
}
