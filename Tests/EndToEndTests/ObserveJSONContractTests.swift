import Foundation
import Testing

/// The `observe --json` names the issue fixes, decoded with
/// JSONSerialization: every key present with its type. On this machine
/// (CPU load is sampled, so busy figures are numbers) and on a captured
/// root with a claim and outside page use (so pools, a restrack holder, an
/// outside holder and a finding exist).
@Suite struct ObserveJSONContractTests {
    /// A JSON number that is whole (JSONSerialization gives NSNumber for both).
    static func isInt(_ v: Any?) -> Bool { (v as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } != nil && !(v is String) }
    static func isNumber(_ v: Any?) -> Bool { v is NSNumber && !(v is String) }
    static func isNull(_ v: Any?) -> Bool { v is NSNull }

    /// Records an issue for every missing key or wrong type in `doc`.
    /// `sampled`: busy figures must be numbers (else number or null).
    static func check(_ doc: [String: Any], sampled: Bool) {
        func busy(_ v: Any?, _ at: String) {
            #expect(isNumber(v) || (!sampled && isNull(v)), "\(at): busy_pct \(String(describing: v))")
            if let n = (v as? NSNumber)?.doubleValue { #expect(n >= 0 && n <= 100, "\(at): \(n)") }
        }
        let hostBusy = doc["host_busy_pct"]
        #expect(hostBusy != nil, "host_busy_pct missing")
        busy(hostBusy, "host")
        let cpus = doc["cpus"] as? [[String: Any]]
        #expect(cpus?.isEmpty == false, "cpus: \(String(describing: doc["cpus"]))")
        for c in cpus ?? [] {
            #expect(isInt(c["id"]) && isInt(c["cell"]), "cpu \(c)")
            #expect(c.keys.contains("busy_pct"), "cpu \(c)")
            busy(c["busy_pct"], "cpu \(c["id"] ?? "?")")
        }
        let cells = doc["cells"] as? [[String: Any]]
        #expect(cells?.isEmpty == false, "cells: \(String(describing: doc["cells"]))")
        for cell in cells ?? [] {
            #expect(isInt(cell["id"]) && isInt(cell["memory_total_mb"]), "cell \(cell)")
            #expect(isInt(cell["memory_used_mb"]) || isNull(cell["memory_used_mb"]), "cell \(cell)")
            #expect(cell.keys.contains("busy_pct"), "cell \(cell)")
            busy(cell["busy_pct"], "cell \(cell["id"] ?? "?")")
            let pages = cell["pages"] as? [[String: Any]]
            #expect(pages != nil, "cell pages \(cell)")
            for p in pages ?? [] {
                for key in ["size_kb", "total", "claimed", "outside"] { #expect(isInt(p[key]), "pages \(key): \(p)") }
                for key in ["free", "surplus"] { #expect(isInt(p[key]) || isNull(p[key]), "pages \(key): \(p)") }
            }
        }
        let holders = doc["holders"] as? [[String: Any]]
        #expect(holders != nil, "holders: \(String(describing: doc["holders"]))")
        for h in holders ?? [] {
            #expect(["restrack", "kernel", "host", "libvirt", "kubelet"].contains(h["kind"] as? String ?? ""), "holder \(h)")
            #expect(h["id"] is String && h["name"] is String, "holder \(h)")
            #expect(h["pid"] == nil || isInt(h["pid"]) || isNull(h["pid"]), "holder \(h)")
            #expect(h["comm"] == nil || h["comm"] is String || isNull(h["comm"]), "holder \(h)")
            #expect((h["cpus"] as? [Any])?.allSatisfy { isInt($0) } == true, "holder cpus \(h)")
            let pages = h["pages"] as? [[String: Any]]
            #expect(pages != nil, "holder pages \(h)")
            for p in pages ?? [] { #expect(isInt(p["node"]) && isInt(p["size_kb"]) && isInt(p["count"]), "held \(p)") }
            #expect((h["pci_devices"] as? [Any])?.allSatisfy { $0 is String } == true, "holder pci_devices \(h)")
            #expect(h["memory_mb_per_node"] is [String: Any], "holder memory_mb_per_node \(h)")
        }
        let findings = doc["findings"] as? [[String: Any]]
        #expect(findings != nil, "findings: \(String(describing: doc["findings"]))")
        for f in findings ?? [] {
            #expect(["outside-use", "conflict", "drift", "not-visible"].contains(f["kind"] as? String ?? ""), "finding \(f)")
            #expect(f["resource"] is String && f["message"] is String, "finding \(f)")
            #expect((f["holders"] as? [Any])?.allSatisfy { $0 is String } == true, "finding \(f)")
        }
    }

    @Test func onThisMachine() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.2", "--ledger", cli.dir + "/ledger.sqlite"])
        #expect(out.status == 0, "\(out.stderr)")
        Self.check(try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)"), sampled: true)
    }

    @Test func onACapturedRootWithAClaimAndOutsideUse() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let root = try HostRootBuilder(in: cli.dir)
        try root.topology(cpus: 2, pages2M: (total: 1024, free: 200, surplus: 0))
        let claim = LedgerCLI.run(["claim", "--root", root.path, "--ledger", ledger, "--request",
                                   CapturedRootCLITests.pages(cli, 100), "--consumer", "vm"])
        #expect(claim.status == 0, "\(claim.stderr)")
        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.05", "--root", root.path, "--ledger", ledger])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        Self.check(doc, sampled: false)
        // What makes each part of the check above non-vacuous here.
        let pool = ((doc["cells"] as? [[String: Any]])?.first?["pages"] as? [[String: Any]])?.first
        #expect(pool?["claimed"] as? Int == 100 && pool?["outside"] as? Int == 824 && pool?["free"] as? Int == 200, "\(String(describing: pool))")
        let kinds = (doc["holders"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == ["restrack", "kernel"], "\(String(describing: kinds))")
        #expect((doc["findings"] as? [Any])?.isEmpty == false)
    }
}
