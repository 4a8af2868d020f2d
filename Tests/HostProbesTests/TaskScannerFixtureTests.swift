import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// The task scanner on captured roots: who holds dedicated CPUs 2–7 of an
/// 8-CPU host (0–1 shared), asserted field by field.
@Suite struct TaskScannerFixtureTests {
    static let snapshot = TaskRootFixture.snapshot(shared: [0, 1], dedicated: [2, 3, 4, 5, 6, 7])
    static let vm1 = "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope"
    static let vm2 = "/machine.slice/machine-qemu\\x2d2\\x2dvm2.scope"
    static let pod = "/kubepods.slice/kubepods-pod1234.slice/cri-containerd-abc.scope"
    static let narrowPod = "/kubepods.slice/kubepods-pod5678.slice"

    /// The host every case here starts from.
    static func host() throws -> TaskRootFixture {
        let f = try TaskRootFixture(online: "0-7")
        try f.cgroup("/", effective: "0-7")
        try f.cgroup("/machine.slice", effective: "0-7")
        // VM 1: libvirt ≥ 7.1 layout, emulator on the shared CPUs and one
        // threaded cgroup per vCPU; the process's own cgroup is the emulator's.
        try f.cgroup(vm1, effective: "0-7")
        try f.cgroup(vm1 + "/libvirt", effective: "0-7")
        try f.cgroup(vm1 + "/libvirt/emulator", effective: "0-1", threads: [100])
        try f.cgroup(vm1 + "/libvirt/vcpu0", effective: "2", threads: [101])
        try f.cgroup(vm1 + "/libvirt/vcpu1", effective: "3", threads: [102])
        try f.process(100, comm: "qemu-kvm", threads: [(100, "0-1"), (101, "2"), (102, "3")],
                      cgroup: vm1 + "/libvirt/emulator")
        // VM 2: the scope itself is narrowed and the process's affinity is
        // exactly the scope's set, so only the cgroup holds the CPUs.
        try f.cgroup(vm2, effective: "5-6", threads: [300])
        try f.process(300, comm: "qemu-system-x86", threads: [(300, "5-6")], cgroup: vm2)
        // kubelet: a container pinned by the static CPU manager, and a pod
        // narrowed at pod level whose (empty) container inherits the set.
        try f.cgroup("/kubepods.slice", effective: "0-7")
        try f.cgroup("/kubepods.slice/kubepods-pod1234.slice", effective: "0-7")
        try f.cgroup(pod, effective: "7", threads: [400])
        try f.process(400, comm: "nginx", threads: [(400, "7")], cgroup: pod)
        try f.cgroup(narrowPod, effective: "6-7")
        try f.cgroup(narrowPod + "/cri-containerd-def.scope", effective: "6-7", threads: [])
        try f.cgroup("/kubepods.slice/kubepods-besteffort.slice", effective: "0-7", threads: [])
        // A DPDK-style process: one worker thread pinned to CPU 4, one to
        // the shared CPUs, the main thread free; its comm holds an escape.
        try f.cgroup("/system.slice", effective: "0-7")
        try f.cgroup("/system.slice/dpdk.service", effective: "0-7", threads: [200, 201, 202])
        try f.process(200, comm: "dpdk\u{1b}[31m", threads: [(200, "0-7"), (201, "4"), (202, "0-1")],
                      cgroup: "/system.slice/dpdk.service")
        // A process pinned to a shared CPU only: narrowed, holds nothing dedicated.
        try f.process(500, comm: "irqbalance", threads: [(500, "0")], cgroup: "/system.slice/dpdk.service")
        // Kernel threads pinned to a dedicated CPU: PF_KTHREAD, and one
        // known only as kthreadd's child.
        try f.process(50, comm: "ksoftirqd/2", threads: [(50, "2")], cgroup: "/", ppid: 2, flags: 0x0420_8040)
        try f.process(51, comm: "kworker/3:1", threads: [(51, "3")], cgroup: "/", ppid: 2, flags: 0)
        try f.process(2, comm: "kthreadd", threads: [(2, "2-3")], cgroup: "/", ppid: 0, flags: 0x0020_8040)
        // A capture that kept only the process's own status (no task/).
        try f.write("proc/1000/stat", TaskRootFixture.statLine(pid: 1000, comm: "testpmd"))
        try f.write("proc/1000/cgroup", "0::/\n")
        try f.write("proc/1000/status", TaskRootFixture.statusText(name: "testpmd", pid: 1000, tid: 1000, allowed: "2-3"))
        // Vanished between listing task/ and reading its status, and one
        // between reading its status and its stat: skipped, said nowhere.
        try f.mkdir("proc/900/task/900")
        try f.write("proc/901/task/901/status", TaskRootFixture.statusText(name: "gone", pid: 901, tid: 901, allowed: "2"))
        return f
    }

    static func expectedHolders() -> [Holder] {
        [
            Holder(kind: .kernel, id: "pid:100", name: "qemu-kvm", pid: 100, comm: "qemu-kvm",
                   cgroup: vm1 + "/libvirt/emulator", cpus: [2, 3]),
            Holder(kind: .kernel, id: "pid:200", name: "dpdk\\x1b[31m", pid: 200, comm: "dpdk\\x1b[31m",
                   cgroup: "/system.slice/dpdk.service", cpus: [4]),
            Holder(kind: .kernel, id: "pid:1000", name: "testpmd", pid: 1000, comm: "testpmd", cgroup: "/", cpus: [2, 3]),
            Holder(kind: .kernel, id: "cgroup:" + pod, name: "cri-containerd-abc.scope", cgroup: pod, cpus: [7]),
            Holder(kind: .kernel, id: "cgroup:\(narrowPod)/cri-containerd-def.scope", name: "cri-containerd-def.scope",
                   cgroup: narrowPod + "/cri-containerd-def.scope", cpus: [6, 7]),
            Holder(kind: .kernel, id: "cgroup:" + vm2, name: "machine-qemu\\x2d2\\x2dvm2.scope", cgroup: vm2, cpus: [5, 6]),
        ]
    }

    @Test func capturedHostHoldersFieldByField() throws {
        let f = try Self.host()
        defer { f.remove() }
        let scan = TaskScanner(root: f.root).scan(snapshot: Self.snapshot)
        let expected = Self.expectedHolders()
        #expect(scan.holders.map(\.id) == expected.map(\.id))
        for (got, want) in zip(scan.holders, expected) {
            #expect(got.kind == want.kind, "\(want.id)")
            #expect(got.name == want.name, "\(want.id)")
            #expect(got.pid == want.pid, "\(want.id)")
            #expect(got.comm == want.comm, "\(want.id)")
            #expect(got.cgroup == want.cgroup, "\(want.id)")
            #expect(got.cpus == want.cpus, "\(want.id)")
            #expect(got.pages.isEmpty && got.pciDevices.isEmpty && got.memoryMBPerNode.isEmpty, "\(want.id)")
        }
        #expect(scan.notVisible.isEmpty, "\(scan.notVisible)")
    }

    /// The vCPU cgroups hold CPUs 2 and 3, which pid 100 (their only task)
    /// already holds: listed once. With a second, unpinned task in vcpu1's
    /// cgroup, that cgroup names more than pid 100 does and is listed too.
    @Test func cgroupOfHolderTasksIsNotListedTwice() throws {
        let f = try Self.host()
        defer { f.remove() }
        var ids = TaskScanner(root: f.root).scan(snapshot: Self.snapshot).holders.map(\.id)
        #expect(!ids.contains { $0.hasPrefix("cgroup:" + Self.vm1) })
        try f.cgroup(Self.vm1 + "/libvirt/vcpu1", effective: "3", threads: [102, 4242])
        ids = TaskScanner(root: f.root).scan(snapshot: Self.snapshot).holders.map(\.id)
        #expect(ids.contains("cgroup:\(Self.vm1)/libvirt/vcpu1"))
        #expect(!ids.contains("cgroup:\(Self.vm1)/libvirt/vcpu0"))
    }

    @Test func kernelThreadsAndSharedOnlyPinsAreNotHolders() throws {
        let f = try Self.host()
        defer { f.remove() }
        let pids = TaskScanner(root: f.root).scan(snapshot: Self.snapshot).holders.compactMap(\.pid)
        #expect(!pids.contains(50))     // PF_KTHREAD
        #expect(!pids.contains(51))     // child of kthreadd
        #expect(!pids.contains(2))      // kthreadd itself
        #expect(!pids.contains(500))    // pinned to shared CPU 0 only
        #expect(!pids.contains(300))    // affinity == its cgroup's set
        #expect(!pids.contains(400))
    }

    @Test func noDedicatedCPUsMeansNothingIsScanned() throws {
        let f = try Self.host()
        defer { f.remove() }
        let scan = TaskScanner(root: f.root, fault: { _ in EIO })
            .scan(snapshot: TaskRootFixture.snapshot(shared: [0, 1, 2, 3, 4, 5, 6, 7], dedicated: []))
        #expect(scan.holders.isEmpty)
        #expect(scan.notVisible.isEmpty)
    }

    /// A cgroup v1 host: no cgroup v2 cpusets, so only the online CPUs
    /// bound what a process could use, and no cgroup is a holder.
    @Test func cgroupV1HostJudgesAgainstOnlineCPUs() throws {
        let f = try TaskRootFixture(online: "0-7")
        defer { f.remove() }
        try f.process(300, comm: "qemu-system-x86", threads: [(300, "5-6")], cgroup: nil)
        try f.process(301, comm: "bash", threads: [(301, "0-7")], cgroup: nil)
        let scan = TaskScanner(root: f.root).scan(snapshot: Self.snapshot)
        #expect(scan.holders.map(\.id) == ["pid:300"])
        #expect(scan.holders.first?.cpus == [5, 6])
        #expect(scan.holders.first?.cgroup == nil)
    }
}
