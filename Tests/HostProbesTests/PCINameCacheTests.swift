import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Names from pci.ids are kept between snapshots of one process; they must
/// follow the file when it is rewritten, and a pci.ids libpci warned about
/// must warn again on the next snapshot, not be hidden by kept names.
@Suite(.serialized) struct PCINameCacheTests {
    @Test func aRewrittenPCIIDsGivesItsNewNamesOnTheNextSnapshot() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let ids = tree.tempDir.appendingPathComponent("pci.ids").path
        try Data("8086  Intel Corporation\n".utf8).write(to: URL(fileURLWithPath: ids))
        let options = ProbeOptions(sysfsRoot: tree.root, pciIDsPath: ids)
        let first = try HostProbe.snapshot(options)
        #expect(first.pciDevices.contains { $0.vendorID == "8086" && $0.vendorName == "Intel Corporation" })
        // A different size, so the stamp differs even within one clock tick.
        try Data("8086  Renamed Vendor Incorporated\n".utf8).write(to: URL(fileURLWithPath: ids))
        let second = try HostProbe.snapshot(options)
        let intel = second.pciDevices.filter { $0.vendorID == "8086" }
        #expect(!intel.isEmpty)
        #expect(intel.allSatisfy { $0.vendorName == "Renamed Vendor Incorporated" })
    }

    @Test func aPCIIDsLibpciWarnsAboutWarnsOnEverySnapshot() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let ids = tree.tempDir.appendingPathComponent("pci.ids").path
        try Data("zzzz  not a vendor line\n8086  Intel Corporation\n".utf8).write(to: URL(fileURLWithPath: ids))
        let options = ProbeOptions(sysfsRoot: tree.root, pciIDsPath: ids)
        for _ in 0..<2 {
            let s = try HostProbe.snapshot(options)
            #expect(s.warnings.contains { $0.contains("libpci") && $0.contains("line 1") })
            #expect(s.pciDevices.allSatisfy { $0.vendorName == nil })
        }
    }

    @Test func aStampedFileIsKeptAndAMissingOneIsNot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pcinames-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let plain = dir.appendingPathComponent("pci.ids").path
        try Data("8086  Intel Corporation\n".utf8).write(to: URL(fileURLWithPath: plain))
        var cache = PCINameCache()
        // libpci's default names pci.ids.gz and falls back to the plain file.
        let valid1 = cache.validate(idsFile: plain + ".gz")
        #expect(valid1)
        cache.merge([.vendor(0x8086): "Intel Corporation"])
        let valid2 = cache.validate(idsFile: plain + ".gz")
        #expect(valid2)
        #expect(cache.name(.vendor(0x8086)) == .some("Intel Corporation"))
        try Data("8086  Intel\n".utf8).write(to: URL(fileURLWithPath: plain))
        let valid3 = cache.validate(idsFile: plain)
        #expect(valid3)
        #expect(cache.name(.vendor(0x8086)) == nil)
        let valid4 = cache.validate(idsFile: dir.appendingPathComponent("absent.ids").path)
        #expect(!valid4)
    }
}
