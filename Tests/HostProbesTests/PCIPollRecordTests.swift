import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// The device-use probe takes each device's driver and interface names from
/// the loader's read of the same poll. These tests change a captured SR-IOV
/// tree between polls of one long-lived loader and observer, as a host
/// changes under the dashboard, and check the record is only used for the
/// loader's own, fresh device list.
@Suite struct PCIPollRecordTests {
    private let vf = SRIOVTreeEdits.vf

    @Test func aRebindAndInterfacesChangedBetweenPollsShowOnTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: tree.root, pciIDsPath: FixtureTree.pciIDs))
        let observer = HostObserver(root: tree.root, foreign: [], pciRecord: loader.pciRecord)
        func poll() throws -> DeviceUse? {
            let snapshot = try loader.load()
            return observer.observe(snapshot: snapshot, claims: [], now: 0, deviceSpecConfigured: false).devices[vf]
        }
        let dir = SRIOVTreeEdits.vfDir(tree)
        try "0x1003\n".write(toFile: dir + "/net/enp96s0f0v0/flags", atomically: false, encoding: .utf8)
        let first = try #require(try poll())
        #expect(first.driver == "iavf")
        #expect(first.netdevUp)
        #expect(first.hostReason == "network interface enp96s0f0v0 is up")

        // Given to a guest: bound to vfio-pci, its netdev gone.
        try SRIOVTreeEdits.rebind(dir, to: "vfio-pci")
        try FileManager.default.removeItem(atPath: dir + "/net/enp96s0f0v0")
        let given = try #require(try poll())
        #expect(given.driver == "vfio-pci")
        #expect(!given.netdevUp)
        #expect(given.hostReason == nil)

        // Back to the host under a new name, down, then brought up: the
        // name comes from the poll's listing, the state from flags read now.
        try SRIOVTreeEdits.rebind(dir, to: "iavf")
        try FileManager.default.createDirectory(atPath: dir + "/net/eth9", withIntermediateDirectories: true)
        try "0x1002\n".write(toFile: dir + "/net/eth9/flags", atomically: false, encoding: .utf8)
        let back = try #require(try poll())
        #expect(back.driver == "iavf")
        #expect(!back.netdevUp)
        #expect(back.hostReason == nil)
        try "0x1003\n".write(toFile: dir + "/net/eth9/flags", atomically: false, encoding: .utf8)
        #expect(try poll()?.hostReason == "network interface eth9 is up")
    }

    @Test func onlyTheLoadersOwnFreshDeviceListIsTaken() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let snapshot = try tree.snapshot()
        #expect(snapshot.device(vf)?.driver == "iavf")
        // A record that says otherwise than the files, to see which is used.
        var told = snapshot
        if let i = told.pciDevices.firstIndex(where: { $0.address == vf }) { told.pciDevices[i].driver = "recorded" }

        let record = PCIPollRecord()
        record.record(told.pciDevices)
        #expect(DeviceUseProbe(root: tree.root, pciRecord: record).observe(snapshot: told).devices[vf]?.driver == "recorded")
        // Another list (the snapshot as read, not as recorded): the files.
        #expect(DeviceUseProbe(root: tree.root, pciRecord: record).observe(snapshot: snapshot).devices[vf]?.driver == "iavf")
        // A record too old for this poll: the files.
        let old = PCIPollRecord(maxAge: 0)
        old.record(told.pciDevices)
        #expect(DeviceUseProbe(root: tree.root, pciRecord: old).observe(snapshot: told).devices[vf]?.driver == "iavf")
        // A loader reading a host file records nothing.
        #expect(SnapshotLoader(hostFile: "/nonexistent", probe: ProbeOptions()).pciRecord.fresh(matching: []) == nil)
    }

    /// On a poll served from kept facts the loader reads each VF's
    /// interface flags through the directory it has open, and device use
    /// takes them from the record rather than opening the file again: the
    /// flags changed on disk between the two halves of one poll show the
    /// loader's read, and the next poll shows the change.
    @Test func deviceUseTakesTheFlagsTheLoaderReadInTheSamePoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: tree.root, pciIDsPath: FixtureTree.pciIDs))
        let observer = HostObserver(root: tree.root, foreign: [], pciRecord: loader.pciRecord)
        let flags = SRIOVTreeEdits.vfDir(tree) + "/net/enp96s0f0v0/flags"
        try "0x1002\n".write(toFile: flags, atomically: false, encoding: .utf8)
        _ = try loader.load()
        // The second load is served from kept facts, so it reads the flags.
        let snapshot = try loader.load()
        let recorded = try #require(loader.pciRecord.fresh(matching: snapshot.pciDevices))
        #expect(recorded[vf] == [PCIPollRecord.Flag(name: Array("enp96s0f0v0".utf8), flags: 0x1002)])

        try "0x1003\n".write(toFile: flags, atomically: false, encoding: .utf8)
        let sameTick = observer.observe(snapshot: snapshot, claims: [], now: 0, deviceSpecConfigured: false)
        #expect(sameTick.devices[vf]?.netdevUp == false)
        let next = observer.observe(snapshot: try loader.load(), claims: [], now: 0, deviceSpecConfigured: false)
        #expect(next.devices[vf]?.netdevUp == true)
        #expect(next.devices[vf]?.hostReason == "network interface enp96s0f0v0 is up")
    }

    /// Flags the loader could not take (garbled, a FIFO, missing, so only
    /// `operstate` says) are read by device use with its fallbacks and
    /// notes: a long-lived loader and observer see exactly what a one-shot
    /// probe of the same tree sees.
    @Test func flagsTheLoaderCouldNotTakeAreReadAsAOneShotProbeReadsThem() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: tree.root, pciIDsPath: FixtureTree.pciIDs))
        let probe = DeviceUseProbe(root: tree.root, pciRecord: loader.pciRecord)
        let base = (SRIOVTreeEdits.vfDir(tree) as NSString).deletingLastPathComponent
        try "garbage\n".write(toFile: base + "/0000:60:02.0/net/enp96s0f0v0/flags", atomically: false, encoding: .utf8)
        try "up\n".write(toFile: base + "/0000:60:02.0/net/enp96s0f0v0/operstate", atomically: false, encoding: .utf8)
        #expect(mkfifo(base + "/0000:60:02.1/net/enp96s0f0v1/flags", 0o600) == 0)
        try "0x1003\n".write(toFile: base + "/0000:60:02.2/net/enp96s0f0v2/flags", atomically: false, encoding: .utf8)
        _ = try loader.load()
        for _ in 0..<2 {
            let snapshot = try loader.load()
            #expect(loader.pciRecord.fresh(matching: snapshot.pciDevices)?["0000:60:02.2"] != nil)
            let kept = probe.observe(snapshot: snapshot)
            let oneShot = DeviceUseProbe(root: tree.root).observe(snapshot: try tree.snapshot())
            #expect(kept.devices == oneShot.devices)
            #expect(kept.notVisible == oneShot.notVisible)
            #expect(kept.devices["0000:60:02.0"]?.netdevUp == true)
            #expect(kept.devices["0000:60:02.2"]?.netdevUp == true)
            #expect(kept.notVisible.contains { $0.contains("enp96s0f0v0/flags is not a hex number") })
            #expect(kept.notVisible.contains { $0.contains("enp96s0f0v1/flags is a FIFO") })
        }
    }
}
