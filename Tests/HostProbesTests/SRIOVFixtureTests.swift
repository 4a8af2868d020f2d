import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// The SR-IOV tree built by `Fixtures/scripts/make-sriov-tree.sh`: 4 VFs on
/// PF 0000:60:00.0 and 2 on PF 0000:60:00.1 (see the script's header).
@Suite struct SRIOVFixtureTests {
    @Test func pfsAndVFsAreLinked() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let s = try tree.snapshot()

        #expect(s.pciDevices.count == 28 + 6)
        #expect(s.device("0000:60:00.0")?.devType == .pf)
        #expect(s.device("0000:60:00.0")?.sriovNumVFs == 4)
        #expect(s.device("0000:60:00.1")?.sriovNumVFs == 2)
        let vfs = s.pciDevices.filter { $0.devType == .vf }
        #expect(vfs.map(\.address) == ["0000:60:02.0", "0000:60:02.1", "0000:60:02.2", "0000:60:02.3",
                                       "0000:60:0a.0", "0000:60:0a.1"])
        #expect(vfs.prefix(4).allSatisfy { $0.parentAddr == "0000:60:00.0" })
        #expect(vfs.suffix(2).allSatisfy { $0.parentAddr == "0000:60:00.1" })
        let vf0 = try #require(s.device("0000:60:02.0"))
        #expect(vf0.vendorID == "8086" && vf0.productID == "37cd")
        #expect(vf0.deviceName == "Test X722 Virtual Function")
        #expect(vf0.driver == "iavf")
        #expect(vf0.iommuGroup == 100)
        #expect(vf0.netInterfaces == ["enp96s0f0v0"])
        #expect(vf0.numaNode == 0)
        // The script leaves 0000:60:02.3 unbound.
        #expect(s.device("0000:60:02.3")?.driver == nil)
        #expect(s.device("0000:60:0a.1")?.iommuGroup == 111)
        #expect(s.warnings.count == 1)
    }

    private func snapshot(_ tree: FixtureTree, pciSection: String) throws -> HostSnapshot {
        let conf = tree.tempDir.appendingPathComponent("nova.conf")
        try ("[pci]\n" + pciSection).write(to: conf, atomically: true, encoding: .utf8)
        return try tree.snapshot(config: conf.path)
    }

    @Test func deviceSpecByPFAddressTracksThePFAndItsVFs() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let s = try snapshot(tree, pciSection: #"device_spec = {"address": "0000:60:00.0", "physical_network": "physnet0"}"# + "\n")
        #expect(s.pciDevices.map(\.address) == ["0000:60:00.0", "0000:60:02.0", "0000:60:02.1", "0000:60:02.2", "0000:60:02.3"])
        #expect(s.pciDevices.allSatisfy { $0.physicalNetwork == "physnet0" })
    }

    @Test func deviceSpecsByIdAndDevnameGiveTheirPhysicalNetworks() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let s = try snapshot(tree, pciSection: """
            device_spec = {"devname": "enp96s0f1", "physical_network": "physnet1"}
            device_spec = {"vendor_id": "8086", "product_id": "37cd", "physical_network": "physnet0"}
            device_spec = {"vendor_id": "1bcf", "product_id": "*"}

            """)
        // First matching spec wins: the VFs of enp96s0f1 are physnet1.
        #expect(s.device("0000:60:00.1")?.physicalNetwork == "physnet1")
        #expect(s.device("0000:60:0a.0")?.physicalNetwork == "physnet1")
        #expect(s.device("0000:60:02.0")?.physicalNetwork == "physnet0")
        // PF 0000:60:00.0 matches no spec: not tracked.
        #expect(s.device("0000:60:00.0") == nil)
        // The eight NEC engines, with no physical network.
        #expect(s.pciDevices.filter { $0.vendorID == "1bcf" }.count == 8)
        #expect(s.pciDevices.filter { $0.vendorID == "1bcf" }.allSatisfy { $0.physicalNetwork == nil })
        #expect(s.pciDevices.count == 1 + 6 + 8)
    }
}
