import Foundation
import Testing

/// `restrack metrics` through the CLI, read back with a real Prometheus
/// parser and compared with `observe --json` and `list --json` for the same
/// host and ledger.
@Suite struct MetricsCLITests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/hosts").path

    /// The two-socket E810 example with the kernel's free counts on cell 0
    /// only (4,000 of 4,096 2M pages free, all 16 1G pages), so cell 0's
    /// pools have free/outside series and the other cells' have none.
    static func host(_ cli: LedgerCLI) -> String? {
        guard let data = FileManager.default.contents(atPath: example + "/two-socket-e810.json"),
              var doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              var cells = doc["cells"] as? [[String: Any]], var pages = cells.first?["mempages"] as? [[String: Any]]
        else { return nil }
        for i in pages.indices {
            switch pages[i]["size_kb"] as? Int {
            case 2048: pages[i]["free"] = 4000
            case 1_048_576: pages[i]["free"] = 16
            default: break
            }
        }
        cells[0]["mempages"] = pages
        doc["cells"] = cells
        guard let out = try? JSONSerialization.data(withJSONObject: doc) else { return nil }
        return cli.write("host.json", String(decoding: out, as: UTF8.self))
    }

    /// A process to own a claim and then exit.
    static func sleeper() -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sleep")
        p.arguments = ["60"]
        try? p.run()
        return p
    }

    static func json(_ args: [String]) -> Any? {
        let r = LedgerCLI.run(args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return LedgerCLI.json(r.stdout)
    }

    @Test func everyNumberEqualsObserveAndListOnAHostFileWithClaims() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = try #require(Self.host(cli))
        let source = ["--host", host, "--ledger", cli.dir + "/ledger.sqlite"]
        let dedicated = cli.write("a.json", #"""
            {"vcpus": 4, "memory_mb": 1024, "cpu_policy": "dedicated", "mem_page_size": "2MB",
             "pci_requests": [{"alias": "e810-vf", "count": 1}]}
            """#)
        let a = LedgerCLI.run(["claim"] + source + ["--request", dedicated, "--consumer", "vm-a", "--pid", String(getpid()), "--confirm"])
        try #require(a.status == 0, "\(a.stderr)")
        let shared = cli.write("b.json", #"{"vcpus": 1, "memory_mb": 256}"#)
        let owner = Self.sleeper()
        let b = LedgerCLI.run(["claim"] + source + ["--request", shared, "--consumer", "vm-b", "--pid", String(owner.processIdentifier)])
        // SIGKILL: the test runner may block SIGTERM, and children inherit the mask.
        kill(owner.processIdentifier, SIGKILL)
        owner.waitUntilExit()
        try #require(b.status == 0, "\(b.stderr)")

        let before = Date().timeIntervalSince1970
        let run = LedgerCLI.run(["metrics"] + source)
        let after = Date().timeIntervalSince1970
        try #require(run.status == 0, "\(run.stderr)")
        let m = try #require(MetricsExposition.parse(run.stdout, in: cli.dir))
        let observe = try #require(Self.json(["observe", "--json", "--interval", "0.05"] + source) as? [String: Any])
        let list = try #require(Self.json(["list", "--json"] + source) as? [[String: Any]])
        #expect(list.count == 2)
        MetricsAgreement.check(m, observe: observe, list: list)

        // The dedicated claim pinned 4 CPUs, holds 2M pages and one VF; the shared one's owner is gone.
        #expect(m.series("restrack_cell_dedicated_cpus_pinned").reduce(0) { $0 + $1.value } == 4)
        #expect(m.value("restrack_stuck_claims", ["reason": "owner-exited"]) == 1)
        let stuckID = try #require(list.first { ($0["stuck"] as? [Any])?.isEmpty == false }?["id"] as? String)
        #expect(m.value("restrack_stuck_claim_info", ["claim": stuckID, "reason": "owner-exited", "consumer": "vm-b"]) == 1)

        // PFs and VFs, from the host file and the claims' devices.
        let doc = try #require(LedgerCLI.json(String(decoding: FileManager.default.contents(atPath: host) ?? Data(), as: UTF8.self))
            as? [String: Any])
        let devices = doc["pci_devices"] as? [[String: Any]] ?? []
        let held = Set(list.flatMap { (($0["usage"] as? [String: Any])?["pci_devices"] as? [String]) ?? [] })
        #expect(held.count == 1)
        let pfs = devices.filter { $0["dev_type"] as? String == "type-PF" }
        #expect(m.series("restrack_pf_vfs_configured").count == pfs.count)
        for pf in pfs {
            let address = pf["address"] as? String ?? ""
            let vfs = devices.filter { $0["parent_addr"] as? String == address }.compactMap { $0["address"] as? String }
            let l = ["pf": address]
            #expect(m.value("restrack_pf_vfs_capacity", l) == (pf["sriov_totalvfs"] as? Int).map(Double.init))
            #expect(m.value("restrack_pf_vfs_configured", l) == Double(vfs.count))
            #expect(m.value("restrack_pf_vfs_claimed", l) == Double(vfs.filter(held.contains).count))
            #expect(m.value("restrack_pf_vfs_held_by_others", l) == 0)
            #expect(m.value("restrack_pf_vfs_free", l) == Double(vfs.count - vfs.filter(held.contains).count))
        }
        // One info series per held device, none for the free VFs.
        let info = m.series("restrack_device_in_use_info")
        #expect(info.count == held.count)
        for address in held {
            let driver = devices.first { $0["address"] as? String == address }?["driver"] as? String ?? ""
            #expect(m.value("restrack_device_in_use_info",
                            ["address": address, "driver": driver, "holder_kind": "restrack", "consumer": "vm-a"]) == 1)
        }

        let version = LedgerCLI.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(m.value("restrack_build_info", ["version": version]) == 1)
        let stamp = try #require(m.value("restrack_last_success_timestamp_seconds"))
        #expect(stamp >= before.rounded(.down) && stamp <= after + 1)
        let duration = try #require(m.value("restrack_scrape_duration_seconds"))
        #expect(duration >= 0 && duration <= after - before)

        // Without consumer labels: the same series, none naming a consumer.
        let bare = LedgerCLI.run(["metrics", "--no-consumer-labels"] + source)
        let n = try #require(MetricsExposition.parse(bare.stdout, in: cli.dir))
        #expect(n.problems.isEmpty)
        #expect(n.samples.count == m.samples.count)
        #expect(n.samples.allSatisfy { $0.labels["consumer"] == nil })
        #expect(!bare.stdout.contains("vm-a"))
    }

    @Test func everyNumberEqualsObserveAndListOnACapturedRoot() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = cli.dir + "/root"
        let capture = LedgerCLI.run(["capture", root], timeout: 240)
        try #require(capture.status == 0, "\(capture.stderr)")
        let source = ["--root", root, "--ledger", cli.dir + "/ledger.sqlite"]
        let shared = cli.write("b.json", #"{"vcpus": 1, "memory_mb": 64}"#)
        let b = LedgerCLI.run(["claim"] + source + ["--request", shared, "--consumer", "vm-b", "--pid", String(getpid()), "--confirm"])
        try #require(b.status == 0, "\(b.stderr)")
        let run = LedgerCLI.run(["metrics"] + source)
        try #require(run.status == 0, "\(run.stderr)")
        let m = try #require(MetricsExposition.parse(run.stdout, in: cli.dir))
        let observe = try #require(Self.json(["observe", "--json", "--interval", "0.05"] + source) as? [String: Any])
        let list = try #require(Self.json(["list", "--json"] + source) as? [[String: Any]])
        MetricsAgreement.check(m, observe: observe, list: list)
        // A captured root has the kernel's memory figures.
        #expect(!m.series("restrack_cell_memory_kernel_used_bytes").isEmpty)
        #expect(m.value("restrack_claims", ["state": "confirmed"]) == 1)
    }

    @Test func hostileConsumerNamesAreSanitisedBoundedAndEscaped() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = try #require(Self.host(cli))
        let source = ["--host", host, "--ledger", cli.dir + "/ledger.sqlite"]
        let req = cli.write("vf.json", #"{"vcpus": 1, "memory_mb": 256, "pci_requests": [{"alias": "e810-vf", "count": 1}]}"#)
        let hostile = "q\"b\\s\nn\u{1b}[31m\u{7}t\u{202e}" + String(repeating: "x", count: 10_240)
        let claim = LedgerCLI.run(["claim"] + source + ["--request", req, "--consumer", hostile, "--pid", String(getpid())])
        try #require(claim.status == 0, "\(claim.stderr)")
        let run = LedgerCLI.run(["metrics"] + source)
        try #require(run.status == 0, "\(run.stderr)")
        // Worked out by hand: controls (LF, ESC, BEL) and the bidi override
        // dropped, "[31m" kept, then cut to 63 characters and "…".
        let kept = "q\"b\\sn[31mt" + String(repeating: "x", count: 63 - 11)
        let expected = kept + "…"
        #expect(expected.unicodeScalars.count == 64)
        let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("restrack_device_in_use_info{") })
        // On the wire: quote and backslash escaped, no raw control character anywhere.
        #expect(line.contains(#"consumer="q\"b\\sn[31mtxxx"#), "\(line)")
        #expect(!run.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(run.stdout.utf8.count < 20_000)
        let m = try #require(MetricsExposition.parse(run.stdout, in: cli.dir))
        #expect(m.problems.isEmpty)
        #expect(m.series("restrack_device_in_use_info").map { $0.labels["consumer"] } == [expected])
    }
}
