import Foundation
import Testing

/// Issue 10 through the built binary on captured roots (`--root DIR`)
/// written by the test: the hugepage case and every kind of holder, field
/// by field.
@Suite struct CapturedRootCLITests {
    /// 2 MiB pages: `pages` of them.
    static func pages(_ cli: LedgerCLI, _ pages: Int) -> String {
        cli.write("req-\(pages).json", #"{"vcpus": 1, "memory_mb": \#(pages * 2), "mem_page_size": "2048"}"#)
    }

    /// The issue's hugepage case: the kernel says 200 of 1,024 2 MiB pages
    /// are free, none surplus, and no claim exists: 1024 − 200 − 0 = 824
    /// pages are used outside restrack, so at most 200 can be promised.
    @Test func pagesInUseOutsideRestrackOnACapturedRoot() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let root = try HostRootBuilder(in: cli.dir)
        try root.topology(cpus: 2, pages2M: (total: 1024, free: 200, surplus: 0))
        let outside = "824 of 1024 2M pages on node 0 are in use outside restrack"

        let check = LedgerCLI.run(["check", "--root", root.path, "--ledger", ledger])
        #expect(check.status == 1, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("OUTSIDE   " + outside), "\(check.stdout)")

        let big = LedgerCLI.run(["claim", "--root", root.path, "--ledger", ledger, "--request", Self.pages(cli, 900),
                                 "--consumer", "big"])
        #expect(big.status == 1, "\(big.stdout)\(big.stderr)")
        #expect(big.stderr.contains(outside), "\(big.stderr)")
        let small = LedgerCLI.run(["claim", "--root", root.path, "--ledger", ledger, "--request", Self.pages(cli, 150),
                                   "--consumer", "small"])
        #expect(small.status == 0, "\(small.stderr)")
        // 200 free − 150 promised: 51 more is refused, 50 granted.
        #expect(LedgerCLI.run(["claim", "--root", root.path, "--ledger", ledger, "--request", Self.pages(cli, 51),
                               "--consumer", "c"]).status == 1)
        #expect(LedgerCLI.run(["claim", "--root", root.path, "--ledger", ledger, "--request", Self.pages(cli, 50),
                               "--consumer", "d"]).status == 0)
        // The outside use is still there, and still fails check.
        let again = LedgerCLI.run(["check", "--root", root.path, "--ledger", ledger])
        #expect(again.status == 1 && again.stdout.contains("OUTSIDE   " + outside), "\(again.stdout)")
    }

    static let vm = "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope"
    static let pod = "/kubepods.slice/kubepods-pod1234.slice/cri-containerd-abc.scope"

    /// 8 CPUs, 0-1 shared, 2-7 dedicated (by the config), and:
    /// - a VM scope under machine.slice narrowed to CPUs 4-5, its qemu's
    ///   affinity exactly the scope's (so the cgroup holds, not the pid);
    /// - a kubepods container scope narrowed to CPU 7;
    /// - dpdk-app (pid 200) with a worker thread pinned to CPU 3, holding
    ///   /dev/vfio/12, the group of 0000:3b:00.0 (bound to vfio-pci);
    /// - not holders: ksoftirqd/2 (a kernel thread on CPU 2), irqbalance
    ///   pinned to shared CPU 0, a bash free on 0-7;
    /// - the virtio disk controller 0000:00:02.0 whose vda is mounted at /;
    /// - 0000:3b:00.1, bound to vfio-pci and held by nobody: free.
    static func holderRoot(_ cli: LedgerCLI) throws -> (root: HostRootBuilder, config: String) {
        let root = try HostRootBuilder(in: cli.dir)
        try root.topology(cpus: 8, pages2M: (total: 64, free: 64, surplus: 0))
        try root.cgroup("/machine.slice", effective: "0-7")
        try root.cgroup(vm, effective: "4-5", threads: [300])
        try root.process(300, comm: "qemu-system-x86", threads: [(300, "4-5")], cgroup: vm)
        try root.cgroup("/kubepods.slice", effective: "0-7")
        try root.cgroup("/kubepods.slice/kubepods-pod1234.slice", effective: "0-7")
        try root.cgroup(pod, effective: "7", threads: [400])
        try root.process(400, comm: "nginx", threads: [(400, "7")], cgroup: pod)
        try root.cgroup("/system.slice", effective: "0-7")
        try root.cgroup("/system.slice/dpdk.service", effective: "0-7", threads: [200, 201, 500])
        try root.process(200, comm: "dpdk-app", threads: [(200, "0-7"), (201, "3")], cgroup: "/system.slice/dpdk.service")
        try root.fds(200, [0: "/dev/null", 7: "/dev/vfio/vfio", 8: "/dev/vfio/12"])
        try root.process(500, comm: "irqbalance", threads: [(500, "0")], cgroup: "/system.slice/dpdk.service")
        try root.process(600, comm: "bash", threads: [(600, "0-7")], cgroup: "/system.slice/dpdk.service")
        try root.process(50, comm: "ksoftirqd/2", threads: [(50, "2")], cgroup: "/", ppid: 2, flags: 0x0420_8040)
        try root.device("0000:00:02.0", vendor: "1af4", device: "1042", classCode: "010000", driver: "virtio-pci",
                        group: nil)
        try root.disk("vda", under: "pci0000:00/0000:00:02.0/virtio1/block", dev: "254:0")
        try root.file("proc/self/mountinfo", "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n")
        try root.file("proc/mounts", "/dev/vda / ext4 rw 0 0\n")
        try root.device("0000:3b:00.0", vendor: "8086", device: "1592", classCode: "020000", driver: "vfio-pci", group: 12)
        try root.device("0000:3b:00.1", vendor: "8086", device: "1592", classCode: "020000", driver: "vfio-pci", group: 13)
        let config = cli.write("nova.conf", "[compute]\ncpu_dedicated_set = 2-7\ncpu_shared_set = 0-1\n")
        return (root, config)
    }

    @Test func capturedRootHoldersFieldByField() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let (root, config) = try Self.holderRoot(cli)
        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.05", "--root", root.path, "--config", config,
                                 "--ledger", cli.dir + "/ledger.sqlite"])
        #expect(out.status == 0, "\(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        let holders = try #require(doc["holders"] as? [[String: Any]])
        struct Want {
            var kind: String, id: String, name: String, pid: Int?, comm: String?, cpus: [Int], pci: [String]
        }
        let want = [
            Want(kind: "kernel", id: "pid:200", name: "dpdk-app", pid: 200, comm: "dpdk-app", cpus: [3],
                 pci: ["0000:3b:00.0"]),
            Want(kind: "kernel", id: "cgroup:" + Self.pod, name: "cri-containerd-abc.scope", pid: nil, comm: nil,
                 cpus: [7], pci: []),
            Want(kind: "kernel", id: "cgroup:" + Self.vm, name: "machine-qemu\\x2d1\\x2dvm1.scope", pid: nil, comm: nil,
                 cpus: [4, 5], pci: []),
            Want(kind: "host", id: "host:0000:00:02.0", name: "disk controller of vda, mounted at /", pid: nil, comm: nil,
                 cpus: [], pci: ["0000:00:02.0"]),
        ]
        #expect(Set(holders.compactMap { $0["id"] as? String }) == Set(want.map(\.id)), "\(holders)")
        #expect(holders.count == want.count)
        for w in want {
            guard let h = holders.first(where: { $0["id"] as? String == w.id }) else { continue }
            #expect(h["kind"] as? String == w.kind, "\(w.id)")
            #expect(h["name"] as? String == w.name, "\(w.id): \(h["name"] ?? "nil")")
            #expect(h["pid"] as? Int == w.pid, "\(w.id)")
            #expect(h["comm"] as? String == w.comm, "\(w.id)")
            #expect(h["cpus"] as? [Int] == w.cpus, "\(w.id)")
            #expect(h["pci_devices"] as? [String] == w.pci, "\(w.id)")
            #expect((h["pages"] as? [Any])?.isEmpty == true, "\(w.id)")
        }
        // Each CPU held names its holder; the free ones nothing.
        var heldBy: [Int: String] = [:]
        for c in doc["cpus"] as? [[String: Any]] ?? [] {
            if let id = c["id"] as? Int, let by = c["held_by"] as? String { heldBy[id] = by }
        }
        #expect(heldBy == [3: "pid:200", 4: "cgroup:" + Self.vm, 5: "cgroup:" + Self.vm, 7: "cgroup:" + Self.pod])
        // No claim exists, so every CPU holder is outside use; the host's
        // disk controller and a held VFIO device are not findings until a
        // claim wants them.
        let findings = try #require(doc["findings"] as? [[String: Any]])
        let outside = findings.filter { $0["kind"] as? String == "outside-use" }
        #expect(Set(outside.flatMap { $0["holders"] as? [String] ?? [] })
                == ["pid:200", "cgroup:" + Self.pod, "cgroup:" + Self.vm], "\(findings)")
        #expect(!findings.contains { $0["kind"] as? String == "conflict" }, "\(findings)")
        #expect(outside.allSatisfy { ($0["message"] as? String)?.contains("not by a restrack claim") == true }, "\(findings)")
    }

    /// What the holders mean for claims on that root: dedicated CPUs 2 and
    /// 6 are the only free ones, the held VFIO device and the host's disk
    /// controller are never handed out, the free VFIO device is.
    @Test func claimsOnTheCapturedRootAvoidEveryHolder() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let ledger = cli.dir + "/ledger.sqlite"
        let (root, config) = try Self.holderRoot(cli)
        func claim(_ name: String, _ body: String) -> LedgerCLI.Result {
            LedgerCLI.run(["claim", "--root", root.path, "--config", config, "--ledger", ledger,
                           "--request", cli.write(name + ".json", body), "--consumer", name, "--json"])
        }
        let three = claim("three", #"{"vcpus": 3, "memory_mb": 16, "cpu_policy": "dedicated"}"#)
        #expect(three.status == 1, "\(three.stdout)")
        #expect(three.stderr.contains("pinned by"), "\(three.stderr)")
        let two = claim("two", #"{"vcpus": 2, "memory_mb": 16, "cpu_policy": "dedicated"}"#)
        #expect(two.status == 0, "\(two.stderr)")
        #expect(two.stdout.contains("[2,6]"), "\(two.stdout)")

        let nic = claim("nic", #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"vendor_id": "8086", "product_id": "1592", "count": 1}]}"#)
        #expect(nic.status == 0, "\(nic.stderr)")
        #expect(nic.stdout.contains("0000:3b:00.1") && !nic.stdout.contains("0000:3b:00.0"), "\(nic.stdout)")
        let second = claim("nic2", #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"vendor_id": "8086", "product_id": "1592", "count": 1}]}"#)
        #expect(second.status == 1, "\(second.stdout)")
        #expect(second.stderr.contains("0000:3b:00.0"), "\(second.stderr)")
        let disk = claim("disk", #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"vendor_id": "1af4", "product_id": "1042", "count": 1}]}"#)
        #expect(disk.status == 1, "\(disk.stdout)")
        #expect(disk.stderr.contains("PCI 0000:00:02.0 is held by the host (bound to virtio-pci: disk controller of vda, mounted at /)"),
                "\(disk.stderr)")
    }
}
