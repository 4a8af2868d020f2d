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
}
