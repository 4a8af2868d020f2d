import Foundation
import Testing

/// `restrack list` says what it found, and judges claims as `check` does.
@Suite struct LedgerListTests {
    @Test func listOnAnEmptyLedgerSaysSo() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let host = cli.host(pcpus: 2)
        let empty = LedgerCLI.run(["list", "--host", host, "--ledger", ledger])
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout == "no claims: the ledger \(ledger) is empty\n")
        let json = LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--json"])
        #expect(json.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

        // Not empty once a claim ended: then only nothing live is said.
        let id = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", cli.request(vcpus: 1),
                                "--consumer", "vm"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(LedgerCLI.run(["release", id, "--host", host, "--ledger", ledger]).status == 0)
        let none = LedgerCLI.run(["list", "--host", host, "--ledger", ledger]).stdout
        #expect(none.hasPrefix("no claims") && !none.contains("is empty"))
        #expect(LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--stuck"]).stdout == "no stuck claims\n")
        #expect(LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--state", "aborted"]).stdout == "no aborted claims\n")
        #expect(LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--state", "released"]).stdout.contains(id))
    }

    /// This test process owns a claim pinned to CPU 2 but may run on every
    /// CPU it was given: `check` calls that drift, and `list` says the same.
    @Test func listShowsTheDriftCheckFinds() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let host = cli.host(pcpus: 2)
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let allowed = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") }?
            .dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces))
        try #require(allowed != "2", "this process runs on CPU 2 only: no drift to show")
        let claim = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", cli.request(vcpus: 1),
                                   "--consumer", "vm", "--pid", "\(getpid())", "--confirm"])
        #expect(claim.status == 0, "\(claim.stderr)")
        let id = claim.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let sentence = "owner pid \(getpid()) may run on CPUs \(allowed), not only its pinned CPUs 2"
        let check = LedgerCLI.run(["check", "--host", host, "--ledger", ledger])
        #expect(check.status == 1)
        #expect(check.stdout.contains("DRIFT     claim \(id): \(sentence)"), "\(check.stdout)")
        let list = LedgerCLI.run(["list", "--host", host, "--ledger", ledger])
        #expect(list.stdout.contains("        DRIFT: \(sentence)"), "\(list.stdout)")
        let json = LedgerCLI.json(LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--json"]).stdout)
        let drift = ((json as? [[String: Any]])?.first?["drift"] as? [[String: Any]])?.first
        #expect(drift?["kind"] as? String == "affinity")
        #expect(drift?["message"] as? String == "claim \(id): \(sentence)")
    }
}
