import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A long-lived `SnapshotLoader` keeps PCI facts that cannot change while a
/// device directory exists, and re-reads the rest on every poll. These
/// tests change a captured SR-IOV tree between polls, as a host changes
/// under the dashboard.
@Suite struct PCIFactCacheTests {
    private let vf = "0000:60:02.0"

    /// Where the script puts the VF's directory (the bus entry links to it).
    private func vfDir(_ tree: FixtureTree) -> String {
        tree.root + "/sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0/" + vf
    }

    private func loader(_ tree: FixtureTree) -> SnapshotLoader {
        SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: tree.root, pciIDsPath: FixtureTree.pciIDs))
    }

    @Test func aPollWhileTheDirectoryStaysServesKeptFactsAndRereadsChangingOnes() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        let first = try loader.load()
        #expect(first.device(vf)?.numaNode == 0)
        let dir = vfDir(tree)
        let pf = (dir as NSString).deletingLastPathComponent + "/0000:60:00.0"

        // Files rewritten in place leave the directory's identity alone. A
        // real kernel never changes numa_node under a live device: a kept
        // fact shows the poll did not re-read it.
        try "1\n".write(toFile: dir + "/numa_node", atomically: false, encoding: .utf8)
        // Changing facts: enabled VFs (rewritten in place) and an interface
        // renamed under net/ (a rename there leaves the device directory's
        // own ctime alone), re-read on a poll that uses the cache.
        try "3\n".write(toFile: pf + "/sriov_numvfs", atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(atPath: dir + "/net/enp96s0f0v0", toPath: dir + "/net/eth7")

        let second = try loader.load()
        #expect(second.device(vf)?.numaNode == 0)
        #expect(second.device("0000:60:00.0")?.sriovNumVFs == 3)
        #expect(second.device(vf)?.netInterfaces == ["eth7"])
        #expect(second.pciDevices.map(\.address) == first.pciDevices.map(\.address))
        // A one-shot probe reads everything.
        #expect(try tree.snapshot().device(vf)?.numaNode == 1)
    }

    @Test func aPollAfterADriverRebindShowsTheNewDriver() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        #expect(try loader.load().device(vf)?.driver == "iavf")
        #expect(try loader.load().device(vf)?.driver == "iavf")
        let dir = vfDir(tree)
        try FileManager.default.removeItem(atPath: dir + "/driver")
        try FileManager.default.createSymbolicLink(atPath: dir + "/driver",
                                                   withDestinationPath: "../../../../../../bus/pci/drivers/vfio-pci")
        let after = try loader.load()
        #expect(after.device(vf)?.driver == "vfio-pci")
        #expect(after.device("0000:60:02.1")?.driver == "iavf")
        // Unbound: the link is gone.
        try FileManager.default.removeItem(atPath: dir + "/driver")
        #expect(try loader.load().device(vf)?.driver == nil)
    }

    @Test func aReplacedDeviceDirectoryIsReadAgainInFull() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        _ = try loader.load()
        #expect(try loader.load().device(vf)?.productID == "37cd")
        let dir = vfDir(tree)
        // Hot-unplug and replug of a different function at the same address:
        // a new directory with new ids, NUMA node and IOMMU group.
        let fresh = dir + ".new"
        try FileManager.default.copyItem(atPath: dir, toPath: fresh)
        try "0x1572\n".write(toFile: fresh + "/device", atomically: false, encoding: .utf8)
        try "1\n".write(toFile: fresh + "/numa_node", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: fresh + "/iommu_group")
        try FileManager.default.createSymbolicLink(atPath: fresh + "/iommu_group",
                                                   withDestinationPath: "../../../../../../kernel/iommu_groups/42")
        try FileManager.default.removeItem(atPath: dir)
        try FileManager.default.moveItem(atPath: fresh, toPath: dir)

        let after = try #require(try loader.load().device(vf))
        #expect(after.productID == "1572")
        #expect(after.numaNode == 1)
        #expect(after.iommuGroup == 42)
    }

    /// A kept poll reaches a device through the directory its bus entry
    /// resolved to; a bus entry pointed at another directory (same name,
    /// the old directory left in place) is followed on the next poll.
    @Test func aBusEntryPointedElsewhereIsFollowedOnTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        _ = try loader.load()
        #expect(try loader.load().device(vf)?.driver == "iavf")
        let dir = vfDir(tree)
        let other = dir + "-other"
        try FileManager.default.copyItem(atPath: dir, toPath: other)
        try "0x1572\n".write(toFile: other + "/device", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: other + "/driver")
        let entry = tree.root + "/sys/bus/pci/devices/" + vf
        let text = try FileManager.default.destinationOfSymbolicLink(atPath: entry)
        try FileManager.default.removeItem(atPath: entry)
        try FileManager.default.createSymbolicLink(atPath: entry, withDestinationPath: text + "-other")

        let after = try #require(try loader.load().device(vf))
        #expect(after.productID == "1572")
        #expect(after.driver == nil)
        // And kept from there on: the old directory is not read again.
        try FileManager.default.createSymbolicLink(atPath: dir + "/../" + vf + "-other/driver",
                                                   withDestinationPath: "../../../../../../bus/pci/drivers/vfio-pci")
        #expect(try loader.load().device(vf)?.driver == "vfio-pci")
    }

    @Test func aDeviceGoneFromTheBusIsGoneFromThePoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        _ = try loader.load()
        #expect(try loader.load().device("0000:60:02.3") != nil)
        try FileManager.default.removeItem(atPath: tree.root + "/sys/bus/pci/devices/0000:60:02.3")
        let after = try loader.load()
        #expect(after.device("0000:60:02.3") == nil)
        #expect(after.device(vf) != nil)
    }

    /// The bus listing is decoded again only when it changed: a device
    /// hot-added between polls is in the next one, read in full.
    @Test func aDeviceAddedToTheBusIsInTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        _ = try loader.load()
        let kept = try loader.load()
        #expect(kept.device("0000:60:02.3") != nil)
        let link = tree.root + "/sys/bus/pci/devices/0000:60:02.3"
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
        try FileManager.default.removeItem(atPath: link)
        #expect(try loader.load().device("0000:60:02.3") == nil)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let back = try loader.load()
        #expect(back.device("0000:60:02.3")?.parentAddr == "0000:60:00.0")
        #expect(back.pciDevices.map(\.address) == kept.pciDevices.map(\.address))

        // A new function at a new address while every kept device stays
        // as it was: only the listing says so.
        _ = try loader.load()
        let dir = (vfDir(tree) as NSString).deletingLastPathComponent
        try FileManager.default.copyItem(atPath: dir + "/0000:60:02.3", toPath: dir + "/0000:60:02.4")
        try FileManager.default.createSymbolicLink(atPath: tree.root + "/sys/bus/pci/devices/0000:60:02.4",
                                                   withDestinationPath: (target as NSString).deletingLastPathComponent
                                                       + "/0000:60:02.4")
        let added = try loader.load()
        #expect(added.device("0000:60:02.4")?.parentAddr == "0000:60:00.0")
        #expect(added.pciDevices.count == kept.pciDevices.count + 1)
    }

    /// A kept poll reads a VF through the bus directory and checks the
    /// directory's identity after the reads: a FIFO planted where the
    /// device directory was is never opened (no hang) and sends the poll
    /// to the full scan, which reads the tree as a one-shot probe does.
    @Test func aFIFOInPlaceOfAKeptDeviceDirectoryIsReadAsAOneShotProbeReadsIt() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = loader(tree)
        _ = try loader.load()
        #expect(try loader.load().device(vf)?.driver == "iavf")
        let entry = tree.root + "/sys/bus/pci/devices/" + vf
        try HangGuard.mkfifo(entry)
        let kept = try HangGuard.run(fifos: [entry]) { try loader.load() }
        let oneShot = try HangGuard.run(fifos: [entry]) { try tree.snapshot() }
        #expect(kept.device(vf)?.driver == oneShot.device(vf)?.driver)
        #expect(kept.pciDevices == oneShot.pciDevices)
        #expect(kept.warnings == oneShot.warnings)
        #expect(kept.device(vf)?.driver != "iavf")
    }
}
