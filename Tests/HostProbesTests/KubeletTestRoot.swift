import Foundation
@testable import HostProbes
import Testing
import TestSupport
import TrackerCore

/// A host root for the kubelet probe's tests: checkpoints written by the
/// fixture generator (`Fixtures/kubelet/kubelet_state.py`) from a spec, pod
/// cgroups made as the kubelet's systemd driver names them, removed when
/// the test is done.
struct KubeletTestRoot {
    static let dir = FixtureTree.fixtures.appendingPathComponent("kubelet")
    static let generator = dir.appendingPathComponent("kubelet_state.py").path
    static let spec = dir.appendingPathComponent("spec-two-nodes.json").path

    let root: String
    let kubelet: String

    var cpuFile: String { kubelet + "/cpu_manager_state" }
    var memoryFile: String { kubelet + "/memory_manager_state" }
    var deviceFile: String { kubelet + "/device-plugins/kubelet_internal_checkpoint" }

    /// An empty root (`var/lib/kubelet/device-plugins` made).
    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-kubelet-\(UUID().uuidString)").path
        kubelet = root + "/var/lib/kubelet"
        try FileManager.default.createDirectory(atPath: kubelet + "/device-plugins", withIntermediateDirectories: true)
    }

    /// The generator's files for `spec` in the given formats, and a cgroup
    /// for every pod of the spec unless `cgroups` is false.
    static func generated(spec: String = KubeletTestRoot.spec, cpu: String, memory: String, cgroups: Bool = true) throws -> KubeletTestRoot {
        let r = try KubeletTestRoot()
        let python = try #require(TestEnvironment.executable(named: "python3"), "python3 runs the fixture generator (.ci/run installs it)")
        try FixtureTree.run(python, [generator, "--spec", spec, "--root", r.root, "--cpu-format", cpu, "--mem-format", memory])
        if cgroups {
            for pod in try KubeletSpec.load(spec).pods { try r.makeCgroup(pod.uid, qos: pod.qos) }
        }
        return r
    }

    /// The pod's cgroup as the systemd driver names it.
    @discardableResult
    func makeCgroup(_ uid: String, qos: String = "guaranteed") throws -> String {
        let escaped = uid.replacingOccurrences(of: "-", with: "_")
        let rel = qos == "guaranteed"
            ? "/kubepods.slice/kubepods-pod\(escaped).slice"
            : "/kubepods.slice/kubepods-\(qos).slice/kubepods-\(qos)-pod\(escaped).slice"
        try FileManager.default.createDirectory(atPath: root + "/sys/fs/cgroup" + rel, withIntermediateDirectories: true)
        return rel
    }

    func removeCgroup(_ rel: String) throws {
        try FileManager.default.removeItem(atPath: root + "/sys/fs/cgroup" + rel)
    }

    func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func text(_ path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// 2 nodes of 16 CPUs (0-15, 16-31), 2 MiB and 1 GiB pages on each,
    /// the VFs `0000:60:0a.0-3` on node 0.
    static let snapshot: HostSnapshot = {
        func cell(_ id: Int) -> NUMACell {
            NUMACell(id: id, cpus: CPUSet(id * 16..<(id * 16 + 2)), pcpus: CPUSet((id * 16 + 2)..<(id * 16 + 16)),
                     memoryMB: 65536, mempages: [PagePool(sizeKB: 4, total: 16_000_000), PagePool(sizeKB: 2048, total: 2048),
                                                 PagePool(sizeKB: 1_048_576, total: 4)])
        }
        let vfs = (0..<4).map {
            PCIDevice(address: "0000:60:0a.\($0)", vendorID: "8086", productID: "37cd", devType: .vf, numaNode: 0,
                      parentAddr: nil)
        }
        return HostSnapshot(hostname: "kubelet-test", cells: [cell(0), cell(1)], pciDevices: vfs)
    }()
}
