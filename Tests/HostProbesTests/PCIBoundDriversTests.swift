import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Bound drivers taken from `sys/bus/pci/drivers/*/` (`PCIBoundDrivers`)
/// where a tree has them as the kernel makes them, each device's `driver`
/// link otherwise. The SR-IOV fixture tree gets driver directories here as
/// the driver core makes them: a link per bound device and `bind`.
@Suite struct PCIBoundDriversTests {
    private let vf = "0000:60:02.0"
    private let drivers = "/sys/bus/pci/drivers"

    private func vfDir(_ tree: FixtureTree) -> String {
        tree.root + "/sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0/" + vf
    }

    private func loader(_ tree: FixtureTree) -> SnapshotLoader {
        SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: tree.root, pciIDsPath: FixtureTree.pciIDs))
    }

    /// Adds a driver directory (with `bind` when `bind`) listing every
    /// device whose `driver` link names it, and `extra` empty ones.
    private func addListings(_ tree: FixtureTree, bind: Bool = true, extra: [String] = ["vfio-pci"]) throws {
        let fm = FileManager.default
        let bus = tree.root + "/sys/bus/pci/devices"
        for driver in extra { try fm.createDirectory(atPath: tree.root + drivers + "/" + driver,
                                                     withIntermediateDirectories: true) }
        for address in try fm.contentsOfDirectory(atPath: bus) {
            guard let target = try? fm.destinationOfSymbolicLink(atPath: bus + "/" + address + "/driver") else { continue }
            let driver = (target as NSString).lastPathComponent
            try fm.createDirectory(atPath: tree.root + drivers + "/" + driver, withIntermediateDirectories: true)
            try listing(tree, driver: driver, address: address, add: true)
        }
        if bind {
            for driver in try fm.contentsOfDirectory(atPath: tree.root + drivers) {
                #expect(fm.createFile(atPath: tree.root + drivers + "/" + driver + "/bind", contents: Data()))
            }
        }
    }

    /// Adds or removes `address` in `driver`'s directory.
    private func listing(_ tree: FixtureTree, driver: String, address: String, add: Bool) throws {
        let path = tree.root + drivers + "/" + driver + "/" + address
        if add {
            let device = try FileManager.default.destinationOfSymbolicLink(
                atPath: tree.root + "/sys/bus/pci/devices/" + address)
            // bus/pci/devices/X is `../../../devices/...`; one level deeper here.
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "../" + device)
        } else {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// What the kernel does on bind and unbind: the device's link and the
    /// driver directory's entry together.
    private func bind(_ tree: FixtureTree, to driver: String?, from old: String?) throws {
        let dir = vfDir(tree)
        if let old {
            try FileManager.default.removeItem(atPath: dir + "/driver")
            try listing(tree, driver: old, address: vf, add: false)
        }
        if let driver {
            try FileManager.default.createSymbolicLink(atPath: dir + "/driver",
                                                       withDestinationPath: "../../../../../../bus/pci/drivers/" + driver)
            try listing(tree, driver: driver, address: vf, add: true)
        }
    }

    @Test func aKeptProbeSeesBindUnbindAndRebindThroughTheListings() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        try addListings(tree)
        let loader = loader(tree)
        let first = try loader.load()
        #expect(first.device(vf)?.driver == "iavf")
        #expect(first.device("0000:60:02.3")?.driver == nil)
        #expect(try loader.load().device(vf)?.driver == "iavf")

        try bind(tree, to: "vfio-pci", from: "iavf")
        let rebound = try loader.load()
        #expect(rebound.device(vf)?.driver == "vfio-pci")
        #expect(rebound.device("0000:60:02.1")?.driver == "iavf")
        try bind(tree, to: nil, from: "vfio-pci")
        #expect(try loader.load().device(vf)?.driver == nil)
        try bind(tree, to: "iavf", from: nil)
        #expect(try loader.load().device(vf)?.driver == "iavf")

        // The listings are what is read: a listing changed alone moves the
        // driver (a kernel never does this; the device's link is not read).
        try listing(tree, driver: "iavf", address: vf, add: false)
        try listing(tree, driver: "vfio-pci", address: vf, add: true)
        #expect(try loader.load().device(vf)?.driver == "vfio-pci")
        // A one-shot probe reads them too.
        #expect(try tree.snapshot().device(vf)?.driver == "vfio-pci")
    }

    /// A kept probe and a one-shot probe of a tree with listings agree with
    /// each other and with the tree's `driver` links.
    @Test func theListingsGiveWhatTheDriverLinksGive() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let byLinks = try tree.snapshot()
        try addListings(tree)
        let loader = loader(tree)
        _ = try loader.load()
        let kept = try loader.load()
        let oneShot = try tree.snapshot()
        #expect(kept.pciDevices == byLinks.pciDevices)
        #expect(oneShot.pciDevices == byLinks.pciDevices)
        #expect(byLinks.pciDevices.contains { $0.driver == "iavf" })
    }

    /// Bare driver directories (no `bind`: an older capture, a hand-made
    /// root) say nothing about bindings: each device's link is read.
    @Test func driverDirectoriesWithoutBindAreNotTakenForBindings() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        try addListings(tree, bind: false)
        // Listed under vfio-pci, linked to iavf.
        try listing(tree, driver: "iavf", address: vf, add: false)
        try listing(tree, driver: "vfio-pci", address: vf, add: true)
        let loader = loader(tree)
        #expect(try loader.load().device(vf)?.driver == "iavf")
        #expect(try loader.load().device(vf)?.driver == "iavf")
        #expect(try tree.snapshot().device(vf)?.driver == "iavf")
        // One driver directory without `bind` among others with it is
        // enough to read the links.
        for driver in try FileManager.default.contentsOfDirectory(atPath: tree.root + drivers) where driver != "vfio-pci" {
            #expect(FileManager.default.createFile(atPath: tree.root + drivers + "/" + driver + "/bind", contents: Data()))
        }
        #expect(try loader.load().device(vf)?.driver == "iavf")
    }

    /// A device listed under two drivers reads its own link; an address
    /// listed but not on the bus adds no device and no warning.
    @Test func aDeviceListedTwiceReadsItsLinkAndAnUnknownAddressIsIgnored() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        try addListings(tree)
        let loader = loader(tree)
        let before = try loader.load()
        try listing(tree, driver: "vfio-pci", address: vf, add: true)
        try FileManager.default.createSymbolicLink(atPath: tree.root + drivers + "/vfio-pci/0000:61:00.0",
                                                   withDestinationPath: "../../../../devices/pci0000:00/0000:61:00.0")
        let kept = try loader.load()
        #expect(kept.device(vf)?.driver == "iavf")
        #expect(kept.pciDevices.map(\.address) == before.pciDevices.map(\.address))
        #expect(kept.warnings == before.warnings)
        #expect(try tree.snapshot().device(vf)?.driver == "iavf")
        // Its link changed: that is what it reads.
        try FileManager.default.removeItem(atPath: vfDir(tree) + "/driver")
        try FileManager.default.createSymbolicLink(atPath: vfDir(tree) + "/driver",
                                                   withDestinationPath: "../../../../../../bus/pci/drivers/vfio-pci")
        #expect(try loader.load().device(vf)?.driver == "vfio-pci")
    }

    @Test func listingsDecodeIntoBindings() {
        var bytes: [UInt8] = []
        for (driver, entries) in [("iavf", ["bind", "0000:60:02.0", "module", "0000:60:02.1", "unbind"]),
                                  ("vfio-pci", ["0000:60:02.1", "bind", "new_id", "0000:60:0a.0"]),
                                  ("e\u{1B}vil", ["bind", "0000:61:00.0"])] {
            bytes += Array(driver.utf8) + [UInt8(ascii: "/")]
            for e in entries { bytes += Array(e.utf8) + [0] }
            bytes.append(UInt8(ascii: "/"))
        }
        let bound = PCIBoundDrivers(listings: bytes)
        #expect(bound.driver(of: "0000:60:02.0") == .bound("iavf"))
        #expect(bound.driver(of: "0000:60:02.1") == .readLink)
        #expect(bound.driver(of: "0000:60:0a.0") == .bound("vfio-pci"))
        #expect(bound.driver(of: "0000:61:00.0") == .bound(SafeText.escape("e\u{1B}vil")))
        #expect(bound.driver(of: "0000:60:0a.1") == .unbound)
        #expect(bound.driver(of: "module") == .unbound)
    }

    /// `bind` is looked for as a whole name of a driver's listing, never as
    /// a part of one (`unbind`, `binder`) or across two.
    @Test func bindIsFoundOnlyAsAWholeNameOfAListing() {
        func listing(_ names: [String]) -> [UInt8] { names.flatMap { Array($0.utf8) + [0] } }
        let bind = Array("bind".utf8)
        #expect(PCIBoundDrivers.lists(listing(["0000:60:02.0", "bind", "unbind"]), bind))
        #expect(PCIBoundDrivers.lists(listing(["bind"]), bind))
        #expect(PCIBoundDrivers.lists(listing(["unbind", "new_id", "bind"]), bind))
        #expect(!PCIBoundDrivers.lists(listing(["unbind", "binder", "bin", "d"]), bind))
        #expect(!PCIBoundDrivers.lists(listing(["bi", "nd"]), bind))
        #expect(!PCIBoundDrivers.lists([], bind))
    }
}
