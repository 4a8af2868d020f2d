import Foundation
import TestSupport
import Testing

/// Issue 10's live tests through the built binary on this machine: a
/// process pinned with taskset holds a dedicated CPU, a pinned burner shows
/// as load, and the boot disk's controller is the host's. Serialized: the
/// burner would load the CPU the holder test pins, and the machine has 2.
@Suite(.serialized) struct LiveHostTruthCLITests {
    static let taskset = TestEnvironment.executable(named: "taskset")

    /// CPU 1 dedicated, CPU 0 shared (the issue's setup on a 2-CPU host).
    static func config(_ cli: LedgerCLI) -> String {
        cli.write("nova.conf", "[compute]\ncpu_dedicated_set = 1\ncpu_shared_set = 0\n")
    }

    static func start(_ args: [String]) -> BackgroundChild? {
        guard let taskset else { return nil }
        var error = ""
        let child = BackgroundChild(taskset, args, error: &error)
        if child == nil { Issue.record("\(error)") }
        return child
    }

    @Test(.timeLimit(.minutes(3))) func aTasksetChildHoldsDedicatedCPU1UntilItIsKilled() throws {
        try LiveCPUPinning.exclusively { try aTasksetChildHoldsDedicatedCPU1UntilItIsKilledAlone() }
    }

    private func aTasksetChildHoldsDedicatedCPU1UntilItIsKilledAlone() throws {
        guard TestEnvironment.require(Self.taskset != nil, "taskset (util-linux)"),
              TestEnvironment.require(ProcessInfo.processInfo.activeProcessorCount >= 2, "2 CPUs") else { return }
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let config = Self.config(cli)
        let request = cli.write("one.json", #"{"vcpus": 1, "memory_mb": 16, "cpu_policy": "dedicated"}"#)
        let child = try #require(Self.start(["-c", "1", "sleep", "60"]))
        defer { child.kill() }
        // taskset sets the affinity, then execs sleep under the same pid.
        #expect(child.waitForComm("sleep"), "the child never became sleep: \(child.comm ?? "gone")")

        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.1", "--config", config, "--ledger", ledger])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        let holders = try #require(doc["holders"] as? [[String: Any]])
        let mine = try #require(holders.first { $0["pid"] as? Int == Int(child.pid) }, "no holder for pid \(child.pid): \(holders)")
        #expect(mine["kind"] as? String == "kernel")
        #expect(mine["id"] as? String == "pid:\(child.pid)")
        #expect(mine["comm"] as? String == "sleep")
        #expect(mine["cpus"] as? [Int] == [1])
        let cpu1 = (doc["cpus"] as? [[String: Any]])?.first { $0["id"] as? Int == 1 }
        #expect(cpu1?["dedicated"] as? Bool == true)
        #expect(cpu1?["held_by"] as? String == "pid:\(child.pid)")

        let refused = LedgerCLI.run(["claim", "--config", config, "--ledger", ledger, "--request", request,
                                     "--consumer", "vm-1"])
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("pid \(child.pid) (sleep)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("CPU 1"), "\(refused.stderr)")

        child.kill()
        // Gone from /proc once reaped; the same claim is granted (another
        // helper's pinned process could hold CPU 1 for a moment: retried).
        var granted = LedgerCLI.Result(status: -1, stdout: "", stderr: "")
        for attempt in 0..<10 {
            granted = LedgerCLI.run(["claim", "--config", config, "--ledger", ledger, "--request", request,
                                     "--consumer", "vm-1"])
            if granted.status == 0 || attempt == 9 { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(!granted.stderr.contains("pid \(child.pid)"), "\(granted.stderr)")
    }

    /// One `observe --json --interval 1` sample: busy % per CPU, per cell
    /// and host-wide.
    struct Sample {
        var cpu: [Int: Double]
        var cells: [Int: Double]
        var host: Double?
    }

    static func sample(_ cli: LedgerCLI) throws -> Sample {
        let out = LedgerCLI.run(["observe", "--json", "--interval", "1", "--ledger", cli.dir + "/ledger.sqlite"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        var cpu: [Int: Double] = [:]
        for c in doc["cpus"] as? [[String: Any]] ?? [] {
            if let id = c["id"] as? Int, let pct = (c["busy_pct"] as? NSNumber)?.doubleValue { cpu[id] = pct }
        }
        var cells: [Int: Double] = [:]
        for c in doc["cells"] as? [[String: Any]] ?? [] {
            if let id = c["id"] as? Int, let pct = (c["busy_pct"] as? NSNumber)?.doubleValue { cells[id] = pct }
        }
        return Sample(cpu: cpu, cells: cells, host: (doc["host_busy_pct"] as? NSNumber)?.doubleValue)
    }

    /// Other builds may load this 2-core machine, so a sample counts when
    /// CPU 0 is ≥ 80 % and not below the other CPU by more than 10 points
    /// (a probe reading the wrong CPU's counters fails that); up to 3 tries.
    @Test(.timeLimit(.minutes(3))) func aBurnerPinnedToCPU0ShowsAsItsLoad() throws {
        guard TestEnvironment.require(Self.taskset != nil, "taskset (util-linux)") else { return }
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let burner = try #require(Self.start(["-c", "0", "sh", "-c", "while :; do :; done"]))
        defer { burner.kill() }
        #expect(burner.waitForComm("sh"))
        var samples: [Sample] = []
        for _ in 0..<3 {
            let s = try Self.sample(cli)
            samples.append(s)
            let cpu0 = s.cpu[0] ?? -1
            let others = s.cpu.filter { $0.key != 0 }.values
            if cpu0 >= 80 && others.allSatisfy({ cpu0 >= $0 - 10 }) { break }
        }
        let best = samples.max { ($0.cpu[0] ?? -1) < ($1.cpu[0] ?? -1) }
        let cpu0 = best?.cpu[0] ?? -1
        #expect(cpu0 >= 80, "CPU 0 busy over 3 samples: \(samples.map { $0.cpu })")
        #expect(samples.contains { s in
            let c0 = s.cpu[0] ?? -1
            return c0 >= 80 && s.cpu.filter { $0.key != 0 }.values.allSatisfy { c0 >= $0 - 10 }
        }, "no sample with CPU 0 ≥ 80 % and ≥ the other CPUs − 10: \(samples.map { $0.cpu })")
        // Host-wide and per cell lie within the range of their CPUs' figures
        // (each is a weighted mean of the CPUs it covers).
        for s in samples {
            guard let lo = s.cpu.values.min(), let hi = s.cpu.values.max() else { continue }
            let host = try #require(s.host, "host_busy_pct missing")
            #expect(host >= lo - 1 && host <= hi + 1, "host \(host) outside \(lo)…\(hi)")
            #expect(!s.cells.isEmpty, "no cell busy_pct")
            for (_, pct) in s.cells { #expect(pct >= lo - 1 && pct <= hi + 1, "cell \(pct) outside \(lo)…\(hi)") }
        }
    }

    /// The PCI device whose disk holds `/`: the mount's MAJ:MIN from
    /// mountinfo, its sysfs block device, up to the first PCI function.
    static func bootController() -> (address: String, vendor: String, device: String, mountDev: String)? {
        guard let info = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        // The last mount on / is the one in effect.
        let root = info.split(separator: "\n").map { $0.split(separator: " ") }.last { $0.count > 4 && $0[4] == "/" }
        guard let dev = root.map({ String($0[2]) }) else { return nil }
        var url = URL(fileURLWithPath: "/sys/dev/block/\(dev)").resolvingSymlinksInPath()
        let pci = #/^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/#
        while url.path != "/" {
            if url.lastPathComponent.wholeMatch(of: pci) != nil,
               let vendor = try? String(contentsOfFile: url.path + "/vendor", encoding: .utf8),
               let device = try? String(contentsOfFile: url.path + "/device", encoding: .utf8) {
                func id(_ s: String) -> String {
                    String(s.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(2))
                }
                return (url.lastPathComponent, id(vendor), id(device), dev)
            }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    @Test(.timeLimit(.minutes(3))) func theBootDisksControllerIsTheHosts() throws {
        let found = Self.bootController()
        guard TestEnvironment.require(found != nil, "/ mounted from a disk behind a PCI controller") else { return }
        let boot = try #require(found)
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let request = cli.write("disk.json", """
            {"vcpus": 1, "memory_mb": 16,
             "pci_requests": [{"vendor_id": "\(boot.vendor)", "product_id": "\(boot.device)", "count": 1}]}
            """)
        let claim = LedgerCLI.run(["claim", "--ledger", ledger, "--request", request, "--consumer", "vm"])
        #expect(claim.status == 1, "\(claim.stdout)\(claim.stderr)")
        #expect(claim.stderr.contains("PCI \(boot.address) is held by the host"), "\(claim.stderr)")
        #expect(claim.stderr.contains("mounted at /"), "\(claim.stderr)")

        let live = LedgerCLI.run(["fit", "--live", "--ledger", ledger, "--request", request])
        #expect(live.status == 0, "\(live.stderr)")
        let decision = try #require(LedgerCLI.json(live.stdout) as? [String: Any], "\(live.stdout)")
        #expect(decision["fits"] as? Bool == false)
        #expect(live.stdout.contains("PCI \(boot.address) is held by the host"), "\(live.stdout)")
        // JSON may escape the slash.
        #expect(live.stdout.contains("mounted at /") || live.stdout.contains("mounted at \\/"), "\(live.stdout)")

        // The pure fit of this host's snapshot knows nothing of mounts.
        let snap = LedgerCLI.run(["snapshot"])
        #expect(snap.status == 0, "\(snap.stderr)")
        let host = cli.write("snapshot.json", snap.stdout)
        let pure = LedgerCLI.run(["fit", "--host", host, "--request", request])
        #expect(pure.status == 0, "\(pure.stderr)")
        #expect((LedgerCLI.json(pure.stdout) as? [String: Any])?["fits"] as? Bool == true, "\(pure.stdout)")
        // Nothing was recorded by the refused claim or the fits.
        #expect(LedgerCLI.run(["list", "--ledger", ledger, "--json"]).stdout.contains(boot.address) == false)
    }
}
