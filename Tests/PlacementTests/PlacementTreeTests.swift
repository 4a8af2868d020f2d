import Foundation
import HostProbes
import Placement
import Testing
import TrackerCore

/// The tree restrack builds, without a Placement: PCI classes as Nova's
/// translator makes them, from the ids or a device spec's resource_class.
@Suite struct PlacementTreeTests {
    static let host = HostSnapshot(hostname: "h", cells: [NUMACell(id: 0, pcpus: [2, 3], memoryMB: 4096)], pciDevices: [
        PCIDevice(address: "0000:3b:00.0", vendorID: "8086", productID: "1592", devType: .pf, numaNode: 0),
        PCIDevice(address: "0000:3b:01.0", vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0,
                  parentAddr: "0000:3b:00.0"),
        PCIDevice(address: "0000:3b:01.1", vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0,
                  parentAddr: "0000:3b:00.0"),
        PCIDevice(address: "0000:5e:00.0", vendorID: "144d", productID: "a824", devType: .pci),
    ])

    /// Nova's rule (`_get_rc_for_dev`): upper-case; standard and CUSTOM_
    /// names kept; anything else normalised behind CUSTOM_.
    @Test func configuredClassesAreNormalisedAsNovaDoes() {
        #expect(PlacementNames.configuredClass("pgpu") == "PGPU")
        #expect(PlacementNames.configuredClass("custom_gpu") == "CUSTOM_GPU")
        #expect(PlacementNames.configuredClass("nvme disk") == "CUSTOM_NVME_DISK")
        #expect(PlacementNames.configuredClass("a--b.c") == "CUSTOM_A_B_C")
    }

    @Test func pciProvidersAreNamedAndClassedAsNovaDoes() throws {
        let tree = TreeBuilder(name: "h", rootUUID: "r").build(snapshot: Self.host, claims: [], holders: [])
        let pf = try #require(tree.provider(named: "h_0000:3B:00.0"))
        #expect(pf.parent == "h_NUMA0")
        #expect(pf.inventories == ["CUSTOM_PCI_8086_1889": Inventory(total: 2)])
        // No NUMA node: under the root.
        let nvme = try #require(tree.provider(named: "h_0000:5E:00.0"))
        #expect(nvme.parent == "h")
        #expect(nvme.inventories == ["CUSTOM_PCI_144D_A824": Inventory(total: 1)])
        let configured = TreeBuilder(name: "h", rootUUID: "r").build(
            snapshot: Self.host, claims: [], holders: [],
            resourceClasses: ["0000:5e:00.0": "CUSTOM_NVME_DISK", "0000:3b:01.0": "CUSTOM_VF", "0000:3b:01.1": "CUSTOM_VF"])
        #expect(configured.provider(named: "h_0000:5E:00.0")?.inventories == ["CUSTOM_NVME_DISK": Inventory(total: 1)])
        #expect(configured.provider(named: "h_0000:3B:00.0")?.inventories == ["CUSTOM_VF": Inventory(total: 2)])
    }

    @Test func deviceSpecResourceClassIsRead() throws {
        let dir = NSTemporaryDirectory() + "restrack-plc-conf-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nova.conf"
        try Data(#"""
            [pci]
            device_spec = {"vendor_id": "144d", "product_id": "a824", "resource_class": "nvme disk"}
            """#.utf8).write(to: URL(fileURLWithPath: path))
        let specs = try ComputeConfig.load(path: path).deviceSpecs
        #expect(specs.map(\.resourceClass) == ["nvme disk"])
    }

    /// What others hold is `reserved`: dedicated CPUs pinned by a libvirt
    /// guest, hugepages it holds, a device the host uses; reserved_host_cpus
    /// (charged to the cells as vCPU usage, N × ratio) is VCPU's reserved in
    /// whole CPUs. restrack's own holders reserve nothing (they are allocations).
    @Test func othersHoldingsAreReserved() throws {
        var cell = NUMACell(id: 0, cpus: [0, 1], pcpus: [2, 3, 4, 5], memoryMB: 8192,
                            mempages: [PagePool(sizeKB: 4, total: 1_572_864), PagePool(sizeKB: 2048, total: 1024, reserved: 8)])
        cell.cpuUsage = 8   // reserved_host_cpus = 2 at ratio 4, as the probe charges it
        let host = HostSnapshot(hostname: "h", cpuAllocationRatio: 4, cells: [cell], pciDevices: Self.host.pciDevices)
        let guest = Holder(kind: .libvirt, id: "d", name: "instance-1", cpus: [3, 4],
                           pages: [HeldPages(node: 0, sizeKB: 2048, count: 100)], pciDevices: ["0000:3b:01.1"],
                           foreign: ForeignDetail(uuid: "u", state: .running))
        let mine = Holder(kind: .restrack, id: "c", name: "claim", cpus: [5])
        let tree = TreeBuilder(name: "h", rootUUID: "r").build(snapshot: host, claims: [], holders: [guest, mine])
        let numa = try #require(tree.provider(named: "h_NUMA0"))
        #expect(numa.inventories["PCPU"] == Inventory(total: 4, reserved: 2))
        #expect(numa.inventories["VCPU"] == Inventory(total: 2, reserved: 2, allocationRatio: 4))
        let huge = try #require(tree.provider(named: "h_NUMA0_MEMORY_2048KB"))
        // (8 reserved + 100 held) pages × 2 MiB; steps of one page.
        #expect(huge.inventories["MEMORY_MB"] == Inventory(total: 2048, reserved: 216, minUnit: 2, stepSize: 2))
        let small = try #require(tree.provider(named: "h_NUMA0_MEMORY_4KB"))
        #expect(small.inventories["MEMORY_MB"]?.total == 8192 - 2048)
        #expect(tree.provider(named: "h_0000:3B:00.0")?.inventories["CUSTOM_PCI_8086_1889"]?.reserved == 1)
    }

    /// The small-page memory libvirt domains and kubelet pods are given is
    /// `reserved` on their node's small-page provider; a hugepage guest's
    /// memory is its pages, reserved on the large-page provider only.
    @Test func othersSmallPageMemoryIsReservedOnceOnItsNode() throws {
        let cells = [0, 1].map { id in
            NUMACell(id: id, cpus: [2 * id], pcpus: [2 * id + 1], memoryMB: 8192,
                     mempages: [PagePool(sizeKB: 4, total: 1_572_864, reserved: 256), PagePool(sizeKB: 2048, total: 1024)])
        }
        let host = HostSnapshot(hostname: "h", cells: cells)
        // 3 GiB of small pages on node 0 and 1 GiB on node 1.
        let vm = Holder(kind: .libvirt, id: "a", name: "instance-1", memoryMBPerNode: [0: 3072, 1: 1024],
                        foreign: ForeignDetail(uuid: "a", state: .running))
        // 2 GiB all backed by 1,024 2 MiB pages on node 0: no small-page memory.
        let hugeVM = Holder(kind: .libvirt, id: "b", name: "instance-2", pages: [HeldPages(node: 0, sizeKB: 2048, count: 1024)],
                            memoryMBPerNode: [0: 2048], foreign: ForeignDetail(uuid: "b", state: .running))
        // A pod's listed memory is small pages only; its 100 pages are apart.
        let pod = Holder(kind: .kubelet, id: "p", name: "p", pages: [HeldPages(node: 1, sizeKB: 2048, count: 100)],
                         memoryMBPerNode: [1: 512], foreign: ForeignDetail(state: .running, podUID: "p"))
        let tree = TreeBuilder(name: "h", rootUUID: "r").build(snapshot: host, claims: [], holders: [vm, hugeVM, pod])
        // Small providers: 8192 − 2048 MiB of large pages = 6144; reserved 1 MiB (256 × 4 KiB) + others' memory.
        let small0 = try #require(tree.provider(named: "h_NUMA0_MEMORY_4KB")?.inventories["MEMORY_MB"])
        #expect(small0.total == 6144 && small0.reserved == 1 + 3072)
        let small1 = try #require(tree.provider(named: "h_NUMA1_MEMORY_4KB")?.inventories["MEMORY_MB"])
        #expect(small1.total == 6144 && small1.reserved == 1 + 1024 + 512)
        #expect(tree.provider(named: "h_NUMA0_MEMORY_2048KB")?.inventories["MEMORY_MB"]?.reserved == 2048)
        #expect(tree.provider(named: "h_NUMA1_MEMORY_2048KB")?.inventories["MEMORY_MB"]?.reserved == 200)
    }
}
