import Foundation

/// One holder of `observe --json`, read by the field names of the contract
/// (`Holder` and its flat `ForeignDetail` fields).
struct HolderJSON {
    let raw: [String: Any]

    init(_ raw: [String: Any]) { self.raw = raw }

    var kind: String? { raw["kind"] as? String }
    var id: String? { raw["id"] as? String }
    var name: String? { raw["name"] as? String }
    var state: String? { raw["state"] as? String }
    var uuid: String? { raw["uuid"] as? String }
    var podUID: String? { raw["pod_uid"] as? String }
    var pid: Int? { raw["pid"] as? Int }
    var verified: Bool? { raw["verified"] as? Bool }
    var cpus: Set<Int>? { (raw["cpus"] as? [Int]).map(Set.init) }
    var floatingCPUs: Set<Int>? { (raw["floating_cpus"] as? [Int]).map(Set.init) }
    var emulatorCPUs: Set<Int>? { (raw["emulator_cpus"] as? [Int]).map(Set.init) }
    var pci: Set<String>? { (raw["pci_devices"] as? [String]).map(Set.init) }
    var memoryMBPerNode: [String: Int]? { (raw["memory_mb_per_node"] as? [String: Int])?.filter { $0.value != 0 } }
    var vcpuPins: [String: Set<Int>]? { (raw["vcpu_pins"] as? [String: [Int]])?.mapValues(Set.init) }
    var appliedPins: [String: Set<Int>]? { (raw["applied_pins"] as? [String: [Int]])?.mapValues(Set.init) }
    var vcpuThreads: [String: Int]? { raw["vcpu_threads"] as? [String: Int] }
    var containers: [String: Set<Int>]? { (raw["containers"] as? [String: [Int]])?.mapValues(Set.init) }

    var pages: Set<ExpectedConsumer.Pages>? {
        guard let list = raw["pages"] as? [[String: Any]] else { return nil }
        return Set(list.compactMap { p in
            guard let node = p["node"] as? Int, let size = p["size_kb"] as? Int, let count = p["count"] as? Int else {
                return nil
            }
            return ExpectedConsumer.Pages(node: node, sizeKB: size, count: count)
        })
    }

    /// The holders of an `observe --json` document.
    static func all(_ doc: [String: Any]) -> [HolderJSON] {
        (doc["holders"] as? [[String: Any]] ?? []).map(HolderJSON.init)
    }

    /// CPUs a finding's `resource` names: "CPU 7", "CPUs 6-7,22".
    static func resourceCPUs(_ resource: String) -> Set<Int>? {
        for prefix in ["CPUs ", "CPU "] where resource.hasPrefix(prefix) {
            return LiveFitCLITests.cpulist(String(resource.dropFirst(prefix.count)))
        }
        return nil
    }
}
