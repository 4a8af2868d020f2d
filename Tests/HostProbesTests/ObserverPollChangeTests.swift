import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// What one poll hands to the next part of the same poll (the libvirt
/// probe's vCPU affinities to the task scan) and what a scan keeps while it
/// runs (each cgroup's cpuset, read once) must never outlive the poll: a
/// change on disk between two polls of one observer shows at the second.
@Suite struct ObserverPollChangeTests {
    static let scope = "/machine.slice/machine-qemu\\x2d3\\x2dinstance\\x2d00000101.scope"

    /// status-isolate.xml's QEMU (pid 4100, vCPU threads 4106–4109) as the
    /// task scan also sees it: `stat` and `cgroup` beside the statuses.
    func runningIsolate(_ root: LibvirtTestRoot, vcpu2Allowed: String) throws {
        try root.copy("nova-isolate.xml", to: "etc/libvirt/qemu/instance-00000101.xml")
        try root.copy("status-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        try root.process(4100, allowed: "12", threads: [(4106, "10"), (4107, "26"), (4108, vcpu2Allowed), (4109, "27")])
        try root.write("proc/4100/stat", TaskRootFixture.statLine(pid: 4100, comm: "qemu-system-x86"))
        try root.write("proc/4100/cgroup", "0::\(Self.scope)/libvirt/emulator\n")
    }

    func observe(_ observer: HostObserver, now: Double) -> Observations {
        observer.observe(snapshot: LibvirtTestRoot.snapshot, claims: [], now: now, deviceSpecConfigured: false)
    }

    @Test func aVCPUThreadRepinnedBetweenPollsIsSeenByTheTaskScanAndTheDomain() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root, vcpu2Allowed: "11")
        let observer = HostObserver(root: root.root)
        let first = observe(observer, now: 1)
        let domain = try #require(first.holders.first { $0.kind == .libvirt })
        #expect(domain.foreign?.appliedPins?[2] == [11])
        #expect(first.holders.first { $0.id == "pid:4100" }?.cpus == [10, 11, 12, 26, 27])

        // `virsh vcpupin instance-00000101 2 13`, minus the XML: the thread
        // moved, libvirt's files did not.
        try root.write("proc/4100/task/4108/status",
                       LibvirtTestRoot.status("CPU 2/KVM", pid: 4100, tid: 4108, allowed: "13"))
        let second = observe(observer, now: 2)
        let moved = try #require(second.holders.first { $0.kind == .libvirt })
        #expect(moved.foreign?.appliedPins?[2] == [13])
        #expect(second.findings.contains { $0.kind == .drift && $0.resource == "CPU 11" })
        #expect(second.holders.first { $0.id == "pid:4100" }?.cpus == [10, 12, 13, 26, 27])
    }

    /// The scan takes the affinities the libvirt probe read this poll in
    /// place of reading those threads' status files again.
    @Test func affinitiesReadByTheLibvirtProbeReplaceTheTaskScansOwnRead() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root, vcpu2Allowed: "11")
        let scanner = TaskScanner(root: root.root)
        let own = scanner.scan(snapshot: LibvirtTestRoot.snapshot)
        #expect(own.holders.first { $0.id == "pid:4100" }?.cpus == [10, 11, 12, 26, 27])
        let handed = scanner.scan(snapshot: LibvirtTestRoot.snapshot, known: [4100: [4108: [14]]])
        #expect(handed.holders.first { $0.id == "pid:4100" }?.cpus == [10, 12, 14, 26, 27])
        // Another process's threads are not taken from it.
        let other = scanner.scan(snapshot: LibvirtTestRoot.snapshot, known: [4101: [4108: [14]]])
        #expect(other.holders.first { $0.id == "pid:4100" }?.cpus == [10, 11, 12, 26, 27])
    }

    /// Each leaf's cpuset is read once per scan and judged again at the
    /// next: narrowed, widened back and removed between polls.
    @Test func aLeafCpusetChangedBetweenPollsIsSeen() throws {
        let f = try TaskRootFixture(online: "0-7")
        defer { f.remove() }
        let pod = "/kubepods.slice/kubepods-pod1234.slice"
        let container = pod + "/cri-containerd-abc.scope"
        try f.cgroup("/", effective: "0-7")
        try f.cgroup("/kubepods.slice", effective: "0-7")
        try f.cgroup(pod, effective: "0-7")
        try f.cgroup(container, effective: "0-7", threads: [])
        let observer = HostObserver(root: f.root, foreign: [])
        let snapshot = TaskRootFixture.snapshot(shared: [0, 1], dedicated: [2, 3, 4, 5, 6, 7])
        func cgroupHolders() -> [Holder] {
            observer.observe(snapshot: snapshot, claims: [], now: 1, deviceSpecConfigured: false)
                .holders.filter { $0.id.hasPrefix("cgroup:") }
        }
        #expect(cgroupHolders().isEmpty)
        try f.cgroup(container, effective: "5", threads: [])
        #expect(cgroupHolders().map(\.id) == ["cgroup:" + container])
        #expect(cgroupHolders().first?.cpus == [5])
        try f.cgroup(container, effective: "4-5", threads: [])
        #expect(cgroupHolders().first?.cpus == [4, 5])
        try FileManager.default.removeItem(atPath: f.root + "/sys/fs/cgroup" + container)
        #expect(cgroupHolders().isEmpty)
        // A child appears under a leaf: the new leaf is the holder.
        try f.cgroup(pod, effective: "6", threads: [])
        try f.cgroup(pod + "/cri-containerd-def.scope", effective: "6", threads: [])
        #expect(cgroupHolders().map(\.id) == ["cgroup:\(pod)/cri-containerd-def.scope"])
    }

    @Test func aPodCgroupRemovedBetweenPollsMakesThePodStale() throws {
        let root = try KubeletTestRoot.generated(cpu: "v4", memory: "v3")
        defer { root.remove() }
        let spec = try KubeletSpec.load(KubeletTestRoot.spec)
        let pod = spec.pods[0]
        let probe = KubeletProbe(root: root.root)
        let id = "kubelet:" + pod.uid
        #expect(probe.read(snapshot: KubeletTestRoot.snapshot).holders.first { $0.id == id }?.foreign?.state == .running)
        try root.removeCgroup("/kubepods.slice/kubepods-pod\(pod.uid.replacingOccurrences(of: "-", with: "_")).slice")
        let after = probe.read(snapshot: KubeletTestRoot.snapshot)
        #expect(after.holders.first { $0.id == id }?.foreign?.state == .stale)
        #expect(after.findings.contains { $0.kind == .stale && $0.holders.contains(id) })
    }
}
