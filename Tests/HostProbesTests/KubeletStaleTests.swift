import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// Pods whose cgroup is gone while the kubelet's checkpoints still give
/// them CPUs, memory or devices: stale holders and findings that say what
/// leaked and what an operator does.
@Suite struct KubeletStaleTests {
    @Test("A pod whose cgroup is gone is stale: its leaked CPUs and its VF are findings; the others stay running")
    func stalePod() throws {
        let root = try KubeletTestRoot.generated(cpu: "v4", memory: "v3")
        defer { root.remove() }
        let spec = try KubeletSpec.load(KubeletTestRoot.spec)
        let pod = spec.pods[0]
        try root.removeCgroup("/kubepods.slice/kubepods-pod\(pod.uid.replacingOccurrences(of: "-", with: "_")).slice")
        let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
        let id = "kubelet:" + pod.uid
        let holder = try #require(reading.holders.first { $0.id == id })
        #expect(holder.foreign?.state == .stale)
        #expect(holder.cgroup == nil)
        #expect(holder.cpus == CPUSet([2, 3, 4, 5]))
        for other in reading.holders where other.id != id { #expect(other.foreign?.state == .running) }
        let stale = reading.findings.filter { $0.kind == .stale }
        #expect(stale.allSatisfy { $0.holders == [id] })
        let cpu = try #require(stale.first { $0.resource == "CPUs 2-5" })
        #expect(cpu.message.contains("exclusive CPUs 2-5 leaked in var/lib/kubelet/cpu_manager_state for pod \(pod.uid), whose cgroup is gone"))
        #expect(cpu.message.contains("kubernetes #109562"))
        #expect(cpu.message.contains("drain"))
        let vf = try #require(stale.first { $0.resource == "PCI 0000:60:0a.1" })
        #expect(vf.message.contains(
            "VF 0000:60:0a.1 held in var/lib/kubelet/device-plugins/kubelet_internal_checkpoint for pod \(pod.uid) that no longer exists"))
        #expect(stale.contains { $0.resource == "memory on node 0" && $0.message.contains("memory_manager_state") })
        #expect(stale.count == 3)
    }

    @Test("The #109562 file with its pod gone: CPU 3 leaked")
    func issueFileStale() throws {
        let root = try KubeletTestRoot()
        defer { root.remove() }
        let bytes = try Data(contentsOf: KubeletTestRoot.dir.appendingPathComponent("vectors/kubernetes-109562-1-23.json"))
        try bytes.write(to: URL(fileURLWithPath: root.cpuFile))
        // Another pod's cgroup: the tree is visible, 499a… is not in it.
        try root.makeCgroup("11111111-2222-3333-4444-555555555555", qos: "burstable")
        let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
        let holder = try #require(reading.holders.first)
        #expect(reading.holders.count == 1)
        #expect(holder.id == "kubelet:499a37ae-89a8-4e73-a090-f86ea22a9f4c")
        #expect(holder.cpus == [3])
        #expect(holder.foreign?.containers == ["cpu-qos2": [3]])
        #expect(holder.foreign?.verified == true)
        #expect(holder.foreign?.state == .stale)
        #expect(reading.findings.map(\.kind) == [.stale])
        #expect(reading.findings.first?.message.contains("exclusive CPUs 3 leaked") == true)
    }

    @Test("Without any kubepods cgroup tree visible, pods stay running and that is said once")
    func noCgroupTree() throws {
        let root = try KubeletTestRoot.generated(cpu: "v2", memory: "v1", cgroups: false)
        defer { root.remove() }
        let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
        #expect(reading.holders.count == 3)
        #expect(reading.holders.allSatisfy { $0.foreign?.state == .running })
        #expect(reading.findings.isEmpty)
        #expect(reading.notVisible.count == 1)
        #expect(reading.notVisible.first?.contains("pod cgroups not visible") == true)
    }

    @Test("The cgroupfs driver's pod cgroups (kubepods/pod<uid>, kubepods/burstable/pod<uid>) count as alive")
    func cgroupfsDriver() throws {
        let root = try KubeletTestRoot.generated(cpu: "v3", memory: "v2", cgroups: false)
        defer { root.remove() }
        let spec = try KubeletSpec.load(KubeletTestRoot.spec)
        let cg = root.root + "/sys/fs/cgroup/kubepods"
        try FileManager.default.createDirectory(atPath: cg + "/pod" + spec.pods[0].uid, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: cg + "/burstable/pod" + spec.pods[1].uid, withIntermediateDirectories: true)
        let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
        let byID = Dictionary(uniqueKeysWithValues: reading.holders.map { ($0.id, $0) })
        #expect(byID["kubelet:" + spec.pods[0].uid]?.cgroup == "/kubepods/pod" + spec.pods[0].uid)
        #expect(byID["kubelet:" + spec.pods[0].uid]?.foreign?.state == .running)
        #expect(byID["kubelet:" + spec.pods[1].uid]?.cgroup == "/kubepods/burstable/pod" + spec.pods[1].uid)
        #expect(byID["kubelet:" + spec.pods[2].uid]?.foreign?.state == .stale)
    }

    @Test("No kubelet state on the host: nothing at all")
    func noKubelet() throws {
        let root = try KubeletTestRoot()
        defer { root.remove() }
        #expect(KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot) == ForeignReading())
    }
}
