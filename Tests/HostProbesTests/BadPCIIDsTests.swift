import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// libpci reports a malformed pci.ids through its error handler, which
/// must not end (or corrupt) the process: names are then unknown, with a
/// warning, and the devices are still listed.
@Suite struct BadPCIIDsTests {
    @Test func malformedPCIIDsIsAWarning() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let ids = tree.tempDir.appendingPathComponent("pci.ids").path
        // Line 1 is not "4-hex-digit id, spaces, name": nothing loads.
        try Data("zzzz  not a vendor line\n8086  Intel Corporation\n".utf8).write(to: URL(fileURLWithPath: ids))
        let s = try HostProbe.snapshot(ProbeOptions(sysfsRoot: tree.root, pciIDsPath: ids))
        #expect(s.pciDevices.count == 28)
        #expect(s.pciDevices.allSatisfy { $0.vendorName == nil && $0.deviceName == nil })
        #expect(s.warnings.contains { $0.contains("libpci") && $0.contains("line 1") })
    }
}
