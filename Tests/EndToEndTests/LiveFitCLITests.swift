import Foundation
import Testing

/// `fit --live` and `observe` against this machine; `fit --host` stays pure.
@Suite struct LiveFitCLITests {
    @Test func fitLiveDecidesAgainstThisHostAndTheLedger() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        // A small floating guest fits any machine that can run these tests.
        let req = cli.write("small.json", #"{"vcpus": 1, "memory_mb": 16}"#)
        let out = LedgerCLI.run(["fit", "--live", "--ledger", ledger, "--request", req])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains(#""fits":true"#), "\(out.stdout)")
        // More memory than any host has: a no-fit, still exit 0 as fit always is.
        let huge = cli.write("huge.json", #"{"vcpus": 1, "memory_mb": 1073741824}"#)
        let no = LedgerCLI.run(["fit", "--live", "--ledger", ledger, "--request", huge])
        #expect(no.status == 0 && no.stdout.contains(#""fits":false"#), "\(no.stdout)\(no.stderr)")
        // --live with a host file, or a pure fit with live-only options: usage errors.
        let host = cli.host(pcpus: 2)
        #expect(LedgerCLI.run(["fit", "--live", "--host", host, "--request", req]).status == 2)
        #expect(LedgerCLI.run(["fit", "--host", host, "--request", req, "--config", host]).status == 2)
    }

    @Test func observeOnThisHostListsEveryOnlineCPU() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.1", "--ledger", cli.dir + "/ledger.sqlite"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any])
        let cpus = try #require(doc["cpus"] as? [[String: Any]])
        // Every CPU this process may run on is online, so it is listed.
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let allowed = Self.cpulist(String(line.dropFirst("Cpus_allowed_list:".count)))
        let listed = Set(cpus.compactMap { $0["id"] as? Int })
        #expect(allowed.isSubset(of: listed), "allowed \(allowed.sorted()), listed \(listed.sorted())")
        #expect((doc["cells"] as? [[String: Any]])?.isEmpty == false)
        #expect(doc["holders"] is [Any] && doc["findings"] is [Any])
        #expect(LedgerCLI.run(["observe", "--interval", "0", "--ledger", cli.dir + "/ledger.sqlite"]).status == 2)
    }

    static func cpulist(_ text: String) -> Set<Int> {
        var out = Set<Int>()
        for part in text.trimmingCharacters(in: .whitespaces).split(separator: ",") {
            let ends = part.split(separator: "-").compactMap { Int($0) }
            if ends.count == 2 { out.formUnion(ends[0]...ends[1]) } else if let one = ends.first { out.insert(one) }
        }
        return out
    }
}
