import Foundation
import Testing

/// The CLI writes page sizes as the dashboard does (`2M`, not `2048K`); `claim`
/// prints the id on stdout and what it holds on stderr.
@Suite struct CLIPageSizeTextTests {
    @Test func claimOutputNamesHugepagesInShortUnits() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 2)
        // 256 MiB in 2M pages: 128 of them.
        let req = cli.write("req.json", #"{"vcpus": 1, "memory_mb": 256, "cpu_policy": "dedicated", "mem_page_size": 2048}"#)
        let r = LedgerCLI.run(["claim", "--host", host, "--ledger", cli.dir + "/l.sqlite", "--request", req,
                               "--consumer", "vm-pages"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("128×2M pages"), "\(r.stderr)")
        #expect(!r.stderr.contains("2048K"))
    }
}
