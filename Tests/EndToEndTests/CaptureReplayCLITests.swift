import Foundation
import Testing
import TestSupport

/// A capture of this machine replays what the live host shows: the same
/// holders in `observe --json` and the boot disk's controller refused by
/// `fit --live` on both, for the reason the host gives ("mounted at /").
/// Serialized with nothing else on purpose: it pins CPU 1 the way
/// LiveHostTruthCLITests does, and only for the time of the reads.
@Suite struct CaptureReplayCLITests {
    /// What is compared of a holder: the fields a missing capture file
    /// changes (a host holder's reason is its name).
    struct HolderView: Equatable, CustomStringConvertible {
        var kind: String
        var id: String
        var name: String
        var cpus: [Int]
        var pciDevices: [String]

        init(_ h: [String: Any]) {
            kind = h["kind"] as? String ?? "?"
            id = h["id"] as? String ?? "?"
            name = h["name"] as? String ?? "?"
            cpus = h["cpus"] as? [Int] ?? []
            pciDevices = h["pci_devices"] as? [String] ?? []
        }

        var description: String { "\(kind) \(id) \(name) cpus \(cpus) pci \(pciDevices)" }
    }

    static func holders(_ args: [String]) throws -> [String: HolderView] {
        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.1"] + args)
        #expect(out.status == 0, "observe \(args): \(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        let list = try #require(doc["holders"] as? [[String: Any]], "\(out.stdout)")
        var byID: [String: HolderView] = [:]
        for h in list.map(HolderView.init) { byID[h.id] = h }
        return byID
    }

    @Test(.timeLimit(.minutes(5))) func aCaptureOfThisHostReplaysItsHoldersAndTheBootDisk() throws {
        try LiveCPUPinning.exclusively { try aCaptureOfThisHostReplaysItsHoldersAndTheBootDiskAlone() }
    }

    private func aCaptureOfThisHostReplaysItsHoldersAndTheBootDiskAlone() throws {
        let found = LiveHostTruthCLITests.bootController()
        guard TestEnvironment.require(found != nil, "/ mounted from a disk behind a PCI controller"),
              TestEnvironment.require(LiveHostTruthCLITests.taskset != nil, "taskset (util-linux)"),
              TestEnvironment.require(ProcessInfo.processInfo.activeProcessorCount >= 2, "2 CPUs") else { return }
        let boot = try #require(found)
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        // CPU 1 dedicated (so a task pinned there is a holder) and the boot
        // disk's controller tracked: with device_spec only the host's use
        // of the device keeps it from being granted.
        let config = cli.write("nova.conf", """
            [compute]
            cpu_dedicated_set = 1
            cpu_shared_set = 0
            [pci]
            device_spec = {"vendor_id": "\(boot.vendor)", "product_id": "\(boot.device)"}

            """)
        let request = cli.write("disk.json", """
            {"vcpus": 1, "memory_mb": 16,
             "pci_requests": [{"vendor_id": "\(boot.vendor)", "product_id": "\(boot.device)", "count": 1}]}
            """)

        let child = try #require(LiveHostTruthCLITests.start(["-c", "1", "sleep", "60"]))
        defer { child.kill() }
        #expect(child.waitForComm("sleep"), "the child never became sleep: \(child.comm ?? "gone")")

        let live = try Self.holders(["--config", config, "--ledger", ledger])
        let root = cli.dir + "/host"
        let capture = LedgerCLI.run(["capture", root], timeout: 240)
        #expect(capture.status == 0, "\(capture.stderr)")
        let replayed = try Self.holders(["--root", root, "--config", config, "--ledger", ledger])
        child.kill()

        // Host holders do not come and go: exactly the same, and the boot
        // disk's controller is one of them, for its mount on /.
        let liveHost = live.values.filter { $0.kind == "host" }.sorted { $0.id < $1.id }
        let replayedHost = replayed.values.filter { $0.kind == "host" }.sorted { $0.id < $1.id }
        #expect(replayedHost == liveHost, "live \(liveHost)\ncapture \(replayedHost)")
        let bootHolder = liveHost.first { $0.pciDevices == [boot.address] }
        #expect(bootHolder?.name.contains("mounted at /") == true, "live host holders: \(liveHost)")
        #expect(replayedHost.contains { $0.pciDevices == [boot.address] && $0.name.contains("mounted at /") },
                "captured host holders: \(replayedHost)")

        // Kernel holders: processes may start or exit between the reads, so
        // the pinned child is the one compared; any holder seen in both
        // reads is seen alike.
        let mine = "pid:\(child.pid)"
        for (name, seen) in [("live", live), ("capture", replayed)] {
            let h = seen[mine]
            #expect(h?.kind == "kernel" && h?.name == "sleep" && h?.cpus == [1],
                    "\(name): the pinned child \(mine) is \(h.map(\.description) ?? "missing")")
        }
        for (id, h) in live where h.kind == "kernel" {
            if let other = replayed[id] { #expect(other == h, "\(id): live \(h), capture \(other)") }
        }

        // The boot disk's controller is refused on both, for the host's use.
        for args in [[String](), ["--root", root]] {
            let fit = LedgerCLI.run(["fit", "--live", "--config", config, "--ledger", ledger, "--request", request]
                                    + args)
            #expect(fit.status == 0, "fit \(args): \(fit.stderr)")
            let decision = try #require(LedgerCLI.json(fit.stdout) as? [String: Any], "\(fit.stdout)")
            #expect(decision["fits"] as? Bool == false, "fit \(args): \(fit.stdout)")
            #expect(fit.stdout.contains("PCI \(boot.address) is held by the host"), "fit \(args): \(fit.stdout)")
            #expect(fit.stdout.contains("mounted at /") || fit.stdout.contains("mounted at \\/"),
                    "fit \(args): \(fit.stdout)")
        }
    }
}
