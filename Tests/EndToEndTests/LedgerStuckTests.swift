import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct LedgerStuckTests {
    static func sleeper() throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sleep")
        p.arguments = ["60"]
        // Not our stdout: a sleeper holding it open would keep `swift test` waiting.
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// SIGKILL and reap: SIGTERM can reach a freshly spawned child while its
    /// signals are still blocked, and then it would sleep on.
    static func end(_ p: Process) {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    /// Starts a process that gets exactly `pid`, by setting the kernel's last
    /// pid (root only) and retrying while other processes on the machine
    /// take it first. nil when that cannot be arranged.
    static func sleeper(reusing pid: Int32) -> Process? {
        // Foundation's Process starts a thread before it spawns, and threads
        // take ids from the same counter, so learn how far off a spawn lands.
        var skew: Int32 = 0
        // Other processes on a busy machine can take the pid first: retry.
        for _ in 0..<100 {
            guard let f = fopen("/proc/sys/kernel/ns_last_pid", "w") else { return nil }
            fputs("\(pid - 1 - skew)", f)
            fclose(f)
            guard let p = try? sleeper() else { return nil }
            if p.processIdentifier == pid { return p }
            let off = p.processIdentifier - pid
            if (-4...4).contains(off) { skew = max(0, skew + off) }
            end(p)
        }
        return nil
    }

    func claim(_ cli: LedgerCLI, _ host: String, _ ledger: String, _ req: String, name: String, pid: Int32) -> String {
        let r = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", req, "--consumer", name,
                               "--pid", "\(pid)", "--confirm"])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func exitedAndReusedOwnersAreStuckAndReleasedWithAudit() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 8)
        let req = cli.request(vcpus: 1)
        let ledger = cli.dir + "/ledger.sqlite"

        let exiting = try Self.sleeper()
        let exitedPid = exiting.processIdentifier
        let exitedID = claim(cli, host, ledger, req, name: "vm-exited", pid: exitedPid)
        let reusedOwner = try Self.sleeper()
        let reusedPid = reusedOwner.processIdentifier
        let reusedID = claim(cli, host, ledger, req, name: "vm-reused", pid: reusedPid)
        let healthyID = claim(cli, host, ledger, req, name: "vm-alive", pid: getpid())

        Self.end(exiting)
        Self.end(reusedOwner)
        // Another process now has the reused owner's pid. Arranging that
        // takes root (ns_last_pid); without it the owner shows as exited,
        // and ProcessProbeReuseTests covers reuse through a captured /proc.
        let impostor = TestEnvironment.require(TestEnvironment.isRoot, "root, to hand pid \(reusedPid) to a new process")
            ? Self.sleeper(reusing: reusedPid) : nil
        defer { if let impostor { Self.end(impostor) } }
        if TestEnvironment.isRoot {
            _ = TestEnvironment.require(impostor != nil, "a new process on pid \(reusedPid) (ns_last_pid kept being taken)")
        }

        let stuck = LedgerCLI.run(["list", "--stuck", "--host", host, "--ledger", ledger, "--json"])
        #expect(stuck.status == 0)
        let rows = LedgerCLI.json(stuck.stdout) as? [[String: Any]] ?? []
        var reasons: [String: [String]] = [:]
        for r in rows {
            reasons[r["id"] as? String ?? ""] = (r["stuck"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
        }
        #expect(Set(reasons.keys) == [exitedID, reusedID])
        #expect(reasons[exitedID] == ["owner pid \(exitedPid) exited"])
        let reusedReason = impostor != nil ? "owner pid \(reusedPid) now belongs to another process"
                                           : "owner pid \(reusedPid) exited"
        #expect(reasons[reusedID] == [reusedReason])

        let dry = LedgerCLI.run(["release", "--stuck", "--dry-run", "--host", host, "--ledger", ledger, "--json"])
        #expect(dry.status == 0)
        let dryIDs = ((LedgerCLI.json(dry.stdout) as? [String: Any])?["claims"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(Set(dryIDs) == [exitedID, reusedID])

        let rel = LedgerCLI.run(["release", "--stuck", "--host", host, "--ledger", ledger])
        #expect(rel.status == 0)
        let live = LedgerCLI.run(["list", "--host", host, "--ledger", ledger, "--json"])
        #expect((LedgerCLI.json(live.stdout) as? [[String: Any]] ?? []).compactMap { $0["id"] as? String } == [healthyID])

        let audit = LedgerCLI.run(["audit", "--ledger", ledger, "--json"])
        let entries = (LedgerCLI.json(audit.stdout) as? [[String: Any]] ?? []).filter { ($0["action"] as? String) == "release-stuck" }
        #expect(Set(entries.compactMap { $0["claim_id"] as? String }) == [exitedID, reusedID])
        #expect(entries.contains { ($0["reason"] as? String) == "owner pid \(exitedPid) exited" })
        #expect(entries.allSatisfy { ($0["uid"] as? Int) == Int(getuid()) && ($0["pid"] as? Int ?? 0) > 0 })
    }
}
