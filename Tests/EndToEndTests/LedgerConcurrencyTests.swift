import Foundation
import TestSupport
import Testing

/// The real binary, many processes, one ledger.
@Suite(.serialized) struct LedgerConcurrencyTests {
    @Test func eightProcessesFillTheHostEachCPUOnce() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let pcpus = 24
        let host = cli.host(pcpus: pcpus)
        let req = cli.request(vcpus: 1)
        let ledger = cli.dir + "/ledger.sqlite"   // not created yet: the first opens race too
        let lock = NSLock()
        nonisolated(unsafe) var claimed: [[Int]] = []
        nonisolated(unsafe) var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            // Each worker claims until the ledger says the host is full.
            for i in 0..<(pcpus + 2) {
                let r = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", req,
                                       "--consumer", "w\(worker)-\(i)", "--json"])
                if r.status == 0 {
                    let obj = LedgerCLI.json(r.stdout) as? [String: Any]
                    let usage = obj?["usage"] as? [String: Any]
                    let cells = usage?["cells"] as? [[String: Any]] ?? []
                    let cpus = cells.flatMap { $0["pinned_cpus"] as? [Int] ?? [] }
                    lock.withLock { claimed.append(cpus) }
                    continue
                }
                if r.status != 1 || !r.stderr.contains("does not fit") {
                    lock.withLock { failures.append("exit \(r.status): \(r.stderr)") }
                }
                break
            }
        }
        #expect(failures.isEmpty, "only 'does not fit' may stop a worker: \(failures)")
        #expect(!failures.contains { $0.contains("database is locked") })
        // Successful claims == capacity, and every CPU promised exactly once.
        #expect(claimed.count == pcpus)
        let all = claimed.flatMap { $0 }
        #expect(all.count == pcpus)
        #expect(Set(all) == Set(2..<(2 + pcpus)))
        let check = LedgerCLI.run(["check", "--host", host, "--ledger", ledger])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let list = LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--json"])
        #expect((LedgerCLI.json(list.stdout) as? [Any])?.count == pcpus)
    }

    @Test func sigkillAtRandomMomentsLosesNoCommittedClaim() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        // Room for every claim a kill between claim and release can leave behind.
        let host = cli.host(pcpus: 200)
        let ledger = cli.dir + "/ledger.sqlite"
        var claimed = Set<String>(), released = Set<String>()
        var rng = SeededRandom(fixed: 0x5EED_0050)
        let kills = 50
        for round in 0..<kills {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: LedgerCLI.bench)
            p.arguments = ["ledger-worker", "--ledger", ledger, "--host", host, "--release", "--name", "k\(round)"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Random moment: during start-up, open, or mid-loop.
            usleep(UInt32.random(in: 5_000...250_000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n")
            for line in lines {
                let parts = line.split(separator: " ")
                guard parts.count == 2 else { continue }
                if parts[0] == "claimed" { claimed.insert(String(parts[1])) }
                if parts[0] == "released" { released.insert(String(parts[1])) }
            }
            let check = LedgerCLI.run(["check", "--host", host, "--ledger", ledger])
            #expect(check.status == 0, "after kill \(round), \(rng.label): \(check.stdout)\(check.stderr)")
            if check.status != 0 { break }
        }
        // Not vacuous: kills landed after commits. A loaded machine starts
        // the worker slowly, so many kills land during start-up; a fifth of
        // the rounds committing is plenty to mean something.
        #expect(claimed.count >= kills / 5, "the worker committed claims in only \(claimed.count) of \(kills) rounds, \(rng.label)")
        let list = LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--state", "all", "--json"])
        let rows = LedgerCLI.json(list.stdout) as? [[String: Any]] ?? []
        var state: [String: String] = [:]
        for r in rows { if let id = r["id"] as? String { state[id] = r["state"] as? String } }
        for id in claimed { #expect(state[id] != nil, "claim \(id) was reported committed but is missing, \(rng.label)") }
        for id in released {
            #expect(state[id] == "released", "claim \(id) was reported released but is \(state[id] ?? "missing"), \(rng.label)")
        }
    }
}
