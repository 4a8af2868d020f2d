import Foundation
import Testing

/// Text a caller typed or a host file holds reaches stdout/stderr without
/// terminal control characters, and the audit keeps no unbounded copy of it.
@Suite(.serialized) struct LedgerTerminalSafetyTests {
    static func hasControls(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }
    }

    @Test func typedClaimIdsAreCleanedOnOutputAndCappedInTheAudit() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let evil = "zz\u{1B}]0;pwned\u{7}\u{1B}[2J" + String(repeating: "q", count: 1000)
        let r = LedgerCLI.run(["release", evil, "--ledger", ledger])
        #expect(r.status == 1)
        #expect(r.stderr.contains("no claim with id 'zz]0;pwned[2Jqqq"))
        #expect(!Self.hasControls(r.stderr))
        let json = LedgerCLI.run(["release", evil, "--ledger", ledger, "--json"])
        #expect(!Self.hasControls(json.stdout) && !json.stdout.contains("\\u001b"))

        let audit = LedgerCLI.run(["audit", "--ledger", ledger])
        #expect(audit.status == 0)
        #expect(audit.stdout.contains("release refused zz]0;pwned[2Jqqq"))
        #expect(!Self.hasControls(audit.stdout))
        // The typed id is free text too: kept to the 200-character cap.
        let rows = LedgerCLI.json(LedgerCLI.run(["audit", "--ledger", ledger, "--json"]).stdout) as? [[String: Any]] ?? []
        let ids = rows.compactMap { $0["claim_id"] as? String }
        #expect(ids.count == 2)
        #expect(ids.allSatisfy { $0.count <= 200 && $0.hasPrefix("zz\u{1B}]0;pwned") })
    }

    @Test func checkLinesFromAHostFileAreCleaned() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        func host(driver: String, name: String) -> String {
            let escaped = driver.unicodeScalars.map { $0.value < 0x20 ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
            return cli.write(name, """
                {"hostname": "e2e", "cells": [{"id": 0, "cpus": [0, 1], "pcpus": [2, 3], "memory_mb": 4096}],
                 "pci_devices": [{"address": "0000:3b:00.0", "vendor_id": "8086", "product_id": "1592",
                                  "numa_node": 0, "driver": "\(escaped)"}]}
                """)
        }
        let before = host(driver: "ice", name: "before.json")
        let req = cli.write("req.json", #"{"vcpus": 1, "memory_mb": 256, "pci_requests": [{"vendor_id": "8086", "product_id": "1592", "count": 1}]}"#)
        let claim = LedgerCLI.run(["claim", "--host", before, "--ledger", ledger, "--request", req, "--consumer", "a", "--confirm"])
        #expect(claim.status == 0, "\(claim.stderr)")
        // The device is now bound to a driver whose name holds escapes: drift.
        let after = host(driver: "x\u{1B}[2J\u{7}y", name: "after.json")
        let check = LedgerCLI.run(["check", "--host", after, "--ledger", ledger])
        #expect(check.status == 1)
        #expect(check.stdout.contains("is bound to x[2Jy, not ice"))
        #expect(!Self.hasControls(check.stdout))
    }
}
