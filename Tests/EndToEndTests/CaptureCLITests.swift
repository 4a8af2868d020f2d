import Foundation
import Testing

/// `restrack capture` and `--root` through the built binaries.
@Suite struct CaptureCLITests {
    /// Capture, refuse a second capture into the same directory (exit 1,
    /// nothing changed), replay with `--root` and its alias `--sysfs-root`
    /// (same JSON), and pack with `--tar` (the tar holds proc/stat and no
    /// environ or cmdline).
    @Test(.timeLimit(.minutes(5))) func captureRefuseReplayAndTar() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let dir = cli.dir + "/host"
        let tar = cli.dir + "/host.tar"
        let first = LedgerCLI.run(["capture", dir, "--tar", tar], timeout: 240)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("captured ") && first.stdout.contains("packed into \(tar)"))

        let before = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let again = LedgerCLI.run(["capture", dir])
        #expect(again.status == 1)
        #expect(again.stderr.contains("exists and is not empty"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == before)

        let viaRoot = LedgerCLI.run(["snapshot", "--root", dir])
        let viaAlias = LedgerCLI.run(["snapshot", "--sysfs-root", dir])
        #expect(viaRoot.status == 0, "\(viaRoot.stderr)")
        #expect(viaRoot.stdout == viaAlias.stdout && viaRoot.stdout.contains("\"cells\""))
        let both = LedgerCLI.run(["snapshot", "--root", dir, "--host", cli.host(pcpus: 2)])
        #expect(both.status == 2 && both.stderr.contains("--host and --root"))

        let list = Process()
        list.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        list.arguments = ["tar", "-tf", tar]
        let pipe = Pipe()
        list.standardOutput = pipe
        try list.run()
        let names = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n")
        list.waitUntilExit()
        #expect(names.contains("./proc/stat"))
        #expect(!names.contains { $0.hasSuffix("/environ") || $0.hasSuffix("/cmdline") })
    }

    /// The probe benchmark runs end to end at small sizes: it generates its
    /// root, the snapshot sees every CPU, PF and VF and the observer every
    /// task, the foreign owners' files are there, and the generated root
    /// is removed.
    @Test(.timeLimit(.minutes(5))) func probeBenchRunsSmall() {
        let r = LedgerCLI.run(["probe", "--cpus", "8", "--vfs", "70", "--tasks", "10", "--domains", "5", "--pods", "4",
                               "--polls", "2"], executable: LedgerCLI.bench, timeout: 240)
        #expect(r.status == 0, "\(r.stderr)")
        // 70 VFs are two PFs (64 + 6 VFs); 10 tasks are three processes
        // of 4, 4 and 2 threads, plus a main and a vCPU thread for each of
        // the 4 running domains (one in five is shut off): 18.
        #expect(r.stdout.contains("host: 8 CPUs ("), "\(r.stdout)")
        #expect(r.stdout.contains(" 72 PCI devices (70 VFs), 18 tasks; 2 polls"), "\(r.stdout)")
        #expect(r.stdout.contains("foreign owners: 5 libvirt domains (4 running), 4 kubelet pods"), "\(r.stdout)")
        #expect(r.stdout.contains("full poll incl. foreign owners"), "\(r.stdout)")
        #expect(r.stdout.contains("full poll without foreign owners"), "\(r.stdout)")
        // The observer reads the foreign owners once per poll: one holder
        // per domain (4 running, 1 defined) and one per pod.
        #expect(r.stdout.contains("foreign owners (inside observe)"), "\(r.stdout)")
        #expect(r.stdout.contains("(libvirt 5, kubelet 4 holders)"), "\(r.stdout)")
        #expect(r.stdout.contains("foreign owners' share of the full poll:"), "\(r.stdout)")
        #expect(r.stdout.contains("everything but the task scan and foreign:"), "\(r.stdout)")
        #expect(r.stdout.contains("task scan per 1,000 tasks:"))
        let generated = r.stdout.split(separator: "\n").first { $0.hasPrefix("generated ") }
            .flatMap { line in line.split(separator: " ").first { $0.hasPrefix("/") } }
        if let generated {
            #expect(!FileManager.default.fileExists(atPath: String(generated)))
        } else {
            Issue.record("no generated root named in \(r.stdout)")
        }
    }
}
