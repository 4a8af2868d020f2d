import Foundation
import Testing

/// Processes that claim and release at once: the audit's times must run in
/// the order the ledger committed the rows. A time read before waiting for
/// the write lock broke this (holdings overlapping when sorted by time).
@Suite(.serialized) struct LedgerTimeOrderTests {
    @Test func timeOrderIsCommitOrderUnderContention() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 24)
        let ledger = cli.dir + "/ledger.sqlite"
        let warm = LedgerCLI.run(["audit", "--host", host, "--ledger", ledger])   // created before the race
        #expect(warm.status == 0, "\(warm.stderr)")
        let workers = 6, cycles = 40
        var procs: [Process] = []
        for w in 0..<workers {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: LedgerCLI.bench)
            p.arguments = ["ledger-worker", "--ledger", ledger, "--host", host, "--release", "--quiet",
                           "--count", "\(cycles)", "--name", "t\(w)"]
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            procs.append(p)
        }
        for p in procs {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let out = LedgerCLI.run(["audit", "--host", host, "--ledger", ledger, "--json"])
        let rows = LedgerCLI.json(out.stdout) as? [[String: Any]] ?? []
        #expect(rows.count == workers * cycles * 2, "\(out.stderr)")
        var previous = (seq: 0, at: -Double.infinity)
        var outOfOrder: [String] = []
        for r in rows {
            let seq = r["seq"] as? Int ?? -1, at = r["at"] as? Double ?? .nan
            #expect(seq > previous.seq)
            if at < previous.at { outOfOrder.append("seq \(seq) at \(at) < seq \(previous.seq) at \(previous.at)") }
            previous = (seq, at)
        }
        #expect(outOfOrder.isEmpty, "\(outOfOrder.count) rows stamped before the row committed ahead of them: \(outOfOrder.prefix(5))")
    }
}
