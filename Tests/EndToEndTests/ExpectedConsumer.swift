import Foundation
import Testing

/// One consumer of a generated root's `expected.json` (make_consumer_root.py),
/// in restrack's holder vocabulary: `id` is `libvirt:<uuid>` or
/// `kubelet:<pod uid>`, `state` is `running` or `defined` (the generator's
/// `shutoff`). `memoryMBPerNode` is what `Holder.memoryMBPerNode` promises:
/// a guest's RAM per host node whatever backs it (Nova's per-cell memory,
/// as expected.json counts it), a pod's small-page memory.
struct ExpectedConsumer {
    struct Pages: Hashable, CustomStringConvertible {
        var node: Int, sizeKB: Int, count: Int
        var description: String { "\(count)x\(sizeKB)k@\(node)" }
    }

    var kind: String
    var id: String
    /// libvirt: the domain name; kubelet: the pod uid.
    var name: String
    var uuid: String?
    var podUID: String?
    var state: String
    var pid: Int?
    var vcpuThreads: [String: Int]
    var vcpuPins: [String: Set<Int>]
    var pinnedCPUs: Set<Int>
    var floatingCPUs: Set<Int>
    var emulatorCPUs: Set<Int>
    var memoryMBPerNode: [String: Int]
    var pages: Set<Pages>
    var pci: Set<String>
    var containers: [String: Set<Int>]
    /// The oracle's request and decision for a guest (nil for a pod).
    var request: [String: Any]?
    var decision: [String: Any]?

    var running: Bool { state == "running" }

    init(_ d: [String: Any]) throws {
        kind = try #require(d["kind"] as? String)
        let ints = { (v: Any?) in Set((v as? [Int]) ?? []) }
        let hugepages = (d["hugepages"] as? [[String: Any]] ?? []).map {
            Pages(node: $0["node"] as? Int ?? -1, sizeKB: $0["size_kb"] as? Int ?? -1, count: $0["pages"] as? Int ?? -1)
        }
        pages = Set(hugepages)
        pci = Set((d["pci"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String })
        pinnedCPUs = ints(d["pinned_cpus"])
        memoryMBPerNode = (d["memory_mb_per_node"] as? [String: Int] ?? [:]).filter { $0.value != 0 }
        let generatorState = try #require(d["state"] as? String)
        state = generatorState == "shutoff" ? "defined" : generatorState
        if kind == "libvirt" {
            let uuid = try #require(d["uuid"] as? String)
            self.uuid = uuid
            id = "libvirt:" + uuid
            name = try #require(d["name"] as? String)
            pid = d["pid"] as? Int
            let tids = d["vcpu_tids"] as? [Int] ?? []
            vcpuThreads = Dictionary(uniqueKeysWithValues: tids.enumerated().map { (String($0.offset), $0.element) })
            vcpuPins = (d["vcpu_pins"] as? [String: [Int]] ?? [:]).mapValues(Set.init)
            floatingCPUs = ints(d["floating_cpus"])
            emulatorCPUs = ints(d["emulator_cpus"])
            containers = [:]
            request = d["request"] as? [String: Any]
            decision = d["decision"] as? [String: Any]
        } else {
            let uid = try #require(d["uid"] as? String)
            podUID = uid
            id = "kubelet:" + uid
            name = uid
            vcpuThreads = [:]
            vcpuPins = [:]
            floatingCPUs = []
            emulatorCPUs = []
            containers = (d["containers"] as? [String: [String: Any]] ?? [:]).mapValues { ints($0["cpus"]) }
        }
    }

    /// Whether restrack counts this consumer's resources as used.
    func counted(countDefined: Bool) -> Bool { state != "defined" || countDefined }
}
