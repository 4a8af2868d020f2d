import Foundation
import Testing

/// The issue's hugepage case through the CLI: a host whose kernel shows 200
/// of 1,024 2 MiB pages free with no claim, and a confirmed guest's own
/// faulted pages. The counts come from the host file's `free`, so the
/// numbers below are worked out from it, not from any probe.
@Suite struct LiveTruthCLITests {
    /// Shared 0-1, dedicated 2-3, 1,024 2 MiB pages with the kernel's `free`.
    func host(_ cli: LedgerCLI, free: Int) -> String {
        cli.write("host.json", """
            {"hostname": "e2e", "cells": [{"id": 0, "cpus": [0, 1], "pcpus": [2, 3], "memory_mb": 65536,
              "mempages": [{"size_kb": 4, "total": 16777216},
                           {"size_kb": 2048, "total": 1024, "free": \(free), "surplus": 0}]}]}
            """)
    }

    /// `pages` 2 MiB pages.
    func pages(_ cli: LedgerCLI, _ pages: Int) -> String {
        cli.write("req-\(pages).json", #"{"vcpus": 1, "memory_mb": \#(pages * 2), "mem_page_size": "2MB"}"#)
    }

    @Test func pagesInUseOutsideRestrackFailCheckAndAreNeverPromised() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let host = host(cli, free: 200)
        // 1024 − 200 free − 0 surplus = 824 in use, no claim: outside use.
        let check = LedgerCLI.run(["check", "--host", host, "--ledger", ledger])
        #expect(check.status == 1)
        #expect(check.stdout.hasPrefix("OUTSIDE   824 of 1024 2M pages on node 0 are in use outside restrack"), "\(check.stdout)")
        let json = LedgerCLI.run(["check", "--host", host, "--ledger", ledger, "--json"])
        let doc = LedgerCLI.json(json.stdout) as? [String: Any]
        let findings = doc?["findings"] as? [[String: Any]]
        #expect(findings?.first?["kind"] as? String == "outside-use")
        #expect(findings?.first?["holders"] as? [String] == ["outside"])

        // 900 > 200 free: refused, naming the outside use.
        let big = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", pages(cli, 900), "--consumer", "big"])
        #expect(big.status == 1)
        #expect(big.stderr.contains("824 of 1024 2M pages on node 0 are in use outside restrack"), "\(big.stderr)")
        // 150 ≤ 200: granted.
        let small = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", pages(cli, 150),
                                   "--consumer", "small"])
        #expect(small.status == 0, "\(small.stderr)")
        // 200 − 150 = 50 left: 51 is refused, 50 granted.
        #expect(LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", pages(cli, 51),
                               "--consumer", "c"]).status == 1)
        #expect(LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", pages(cli, 50),
                               "--consumer", "d"]).status == 0)
    }

    @Test func aConfirmedGuestsOwnPagesAreNotOutsideUse() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        // First the claim of 500 on an untouched pool (all 1024 free).
        let before = host(cli, free: 1024)
        let claim = LedgerCLI.run(["claim", "--host", before, "--ledger", ledger, "--request", pages(cli, 500),
                                   "--consumer", "vm", "--confirm"])
        #expect(claim.status == 0, "\(claim.stderr)")
        // The guest faulted its 500 pages: the kernel shows 524 free. In use
        // 500, all the confirmed claim's: no outside use, no drift.
        let after = host(cli, free: 524)
        let check = LedgerCLI.run(["check", "--host", after, "--ledger", ledger])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(!check.stdout.contains("OUTSIDE"))
        // 1024 − 500 = 524 still available, not 524 − 500.
        #expect(LedgerCLI.run(["claim", "--host", after, "--ledger", ledger, "--request", pages(cli, 525),
                               "--consumer", "too-big"]).status == 1)
        let rest = LedgerCLI.run(["claim", "--host", after, "--ledger", ledger, "--request", pages(cli, 524),
                                  "--consumer", "rest"])
        #expect(rest.status == 0, "\(rest.stderr)")
    }

    @Test func observeJSONHasTheIssuesNames() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let host = host(cli, free: 200)
        #expect(LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", pages(cli, 150),
                               "--consumer", "vm"]).status == 0)
        let out = LedgerCLI.run(["observe", "--host", host, "--ledger", ledger, "--json", "--interval", "0.05"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any])
        let cpus = try #require(doc["cpus"] as? [[String: Any]])
        #expect(cpus.compactMap { $0["id"] as? Int } == [0, 1, 2, 3])
        #expect(cpus.allSatisfy { $0["cell"] as? Int == 0 && $0.keys.contains("busy_pct") })
        let cells = try #require(doc["cells"] as? [[String: Any]])
        #expect(cells.first?["memory_total_mb"] as? Int == 65536)
        #expect(cells.first?.keys.contains("memory_used_mb") == true)
        let pool = try #require((cells.first?["pages"] as? [[String: Any]])?.first)
        // The 2M pool only (4K is the kernel's base pages): 150 claimed, 824 outside.
        #expect(pool["size_kb"] as? Int == 2048 && pool["total"] as? Int == 1024 && pool["free"] as? Int == 200)
        #expect(pool["surplus"] as? Int == 0 && pool["claimed"] as? Int == 150 && pool["outside"] as? Int == 824)
        let holders = try #require(doc["holders"] as? [[String: Any]])
        #expect(holders.compactMap { $0["kind"] as? String } == ["restrack", "kernel"])
        let outside = try #require(holders.last)
        #expect(outside["id"] as? String == "outside")
        let held = try #require((outside["pages"] as? [[String: Any]])?.first)
        #expect(held["node"] as? Int == 0 && held["size_kb"] as? Int == 2048 && held["count"] as? Int == 824)
        #expect(outside.keys.contains("pci_devices") && outside.keys.contains("memory_mb_per_node"))
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let first = try #require(findings.first)
        #expect(first["kind"] as? String == "outside-use" && first["resource"] as? String == "2M pages on node 0")
        #expect(first["holders"] as? [String] == ["outside"] && (first["message"] as? String)?.isEmpty == false)
    }

    @Test func fitOnAHostFileStaysPure() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        // The same 200-free host: the pure fit ignores the kernel's counts
        // (Nova's semantics), so 900 pages fit.
        let out = LedgerCLI.run(["fit", "--host", host(cli, free: 200), "--request", pages(cli, 900)])
        #expect(out.status == 0)
        #expect(out.stdout.contains(#""fits":true"#), "\(out.stdout)")
    }
}
