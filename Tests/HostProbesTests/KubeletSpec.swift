import Foundation
import TrackerCore

/// The generator's spec (`Fixtures/kubelet/spec-*.json`), read by the tests
/// to say what each pod must hold, independently of the probe: its CPUs
/// are the union of its containers', its memory and pages the sum of its
/// blocks (a block over several nodes split evenly, the remainder on the
/// first), its PCI devices the device ids that are PCI addresses.
struct KubeletSpec: Decodable {
    struct Pod: Decodable {
        var uid: String
        var qos: String
        var containers: [Container]
    }

    struct Container: Decodable {
        var name: String
        var cpus: [Int]?
        var memory: [Block]?
        var devices: [Device]?
    }

    struct Block: Decodable {
        var numa: [Int]
        var type: String
        var size: Int
    }

    struct Device: Decodable {
        var resource: String
        var numa: Int
        var ids: [String]
    }

    var cpus: [Int]
    var pods: [Pod]

    static func load(_ path: String) throws -> KubeletSpec {
        try JSONDecoder().decode(KubeletSpec.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// container name → CPUs, for containers the CPU manager pins.
    static func containers(_ pod: Pod) -> [String: CPUSet] {
        var out: [String: CPUSet] = [:]
        for c in pod.containers where !(c.cpus ?? []).isEmpty { out[c.name] = CPUSet(c.cpus ?? []) }
        return out
    }

    static func cpus(_ pod: Pod) -> CPUSet {
        pod.containers.reduce(CPUSet()) { $0.union(CPUSet($1.cpus ?? [])) }
    }

    static func memoryMB(_ pod: Pod) -> [Int: Int] {
        var bytes: [Int: Int] = [:]
        for block in pod.containers.flatMap({ $0.memory ?? [] }) where block.type == "memory" {
            for (i, node) in block.numa.enumerated() {
                bytes[node, default: 0] += block.size / block.numa.count + (i == 0 ? block.size % block.numa.count : 0)
            }
        }
        return bytes.mapValues { ($0 + (1 << 20) - 1) >> 20 }
    }

    static func pages(_ pod: Pod) -> Set<HeldPages> {
        var count: [[Int]: Int] = [:]
        for block in pod.containers.flatMap({ $0.memory ?? [] }) {
            let kb: Int
            switch block.type {
            case "hugepages-2Mi": kb = 2048
            case "hugepages-1Gi": kb = 1_048_576
            default: continue
            }
            let pages = block.size / (kb * 1024)
            for (i, node) in block.numa.enumerated() {
                count[[node, kb], default: 0] += pages / block.numa.count + (i == 0 ? pages % block.numa.count : 0)
            }
        }
        return Set(count.map { HeldPages(node: $0.key[0], sizeKB: $0.key[1], count: $0.value) })
    }

    static func pci(_ pod: Pod) -> [String] {
        pod.containers.flatMap { $0.devices ?? [] }.flatMap(\.ids).filter { $0.hasPrefix("0000:") }.sorted()
    }
}
