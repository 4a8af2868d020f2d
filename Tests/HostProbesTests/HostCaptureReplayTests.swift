import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// A capture of a captured root replays it for the observers: the device
/// use probe and the task scanner see in the copy exactly what they see in
/// the original, for every kind of file they read (disk links, holders and
/// mounts, IOMMU group lists, VFIO cdevs, DRM cards, IPv6 addresses,
/// cgroup membership).
@Suite struct HostCaptureReplayTests {
    typealias B = DeviceRootBuilder

    private static func capture(_ source: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-replay-\(UUID().uuidString)").path
        _ = try HostCapture(source: source, destination: dir).run()
        return dir
    }

    /// Everything here is read only through a file the capture must copy:
    /// take one away and a reason or a holder below goes missing.
    private static func deviceTree(_ t: B) throws -> HostSnapshot {
        // A disk whose partition is under device mapper, mounted by
        // mountinfo's device number only (the source names the mapper).
        try t.device("pci0000:00/0000:00:05.0", classCode: "0x010700", driver: "mpt3sas")
        let scsi = "pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block"
        try t.disk("sda", under: scsi, dev: "8:0", partitions: [("1", "8:1"), ("2", "8:2")])
        try t.link("sys/devices/\(scsi)/sda/sda2/holders/dm-0", to: "../../../../../../../../../virtual/block/dm-0")
        try t.write("sys/devices/virtual/block/dm-0/dev", "253:0\n")
        try t.write("sys/devices/virtual/block/dm-0/dm/name", "vg-home\n")
        try t.mkdir("sys/devices/virtual/block/dm-0/holders")
        try t.link("sys/block/dm-0", to: "../devices/virtual/block/dm-0")
        try t.write("proc/self/mountinfo", "40 27 253:0 / /home rw - xfs /dev/home rw\n")
        // A NIC that is down but has an IPv6 address.
        let nic = try t.device("pci0000:00/0000:00:06.0", classCode: "0x020000", driver: "ixgbe")
        try t.interface("eno1", deviceDir: nic, flags: "0x1002", operstate: "down")
        try t.write("proc/net/if_inet6", "fe800000000000000000000000000001 02 40 20 80 eno1\n")
        // A display with a DRM card of its own (no boot_vga).
        try t.device("pci0000:00/0000:00:07.0", classCode: "0x030000", driver: "ast")
        try t.mkdir("sys/devices/pci0000:00/0000:00:07.0/drm/card0")
        // VFIO: group 42's devices/ list names a member whose own
        // iommu_group link is absent, so only the list gives it; a cdev
        // held through iommufd.
        try t.device("pci0000:3a/0000:3b:02.0", classCode: "0x020000", driver: "vfio-pci", group: 42)
        try t.device("pci0000:3a/0000:3b:02.4", classCode: "0x020000", driver: "vfio-pci")
        try t.link("sys/kernel/iommu_groups/42/devices/0000:3b:02.4", to: "../../../../devices/pci0000:3a/0000:3b:02.4")
        try t.device("pci0000:3a/0000:3b:02.3", classCode: "0x020000", driver: "vfio-pci", group: 45)
        try t.mkdir("sys/devices/pci0000:3a/0000:3b:02.3/vfio-dev/vfio3")
        try t.process(4121, comm: "qemu-kvm", fds: [3: "/dev/vfio/vfio", 7: "/dev/vfio/42", 9: "socket:[1]"])
        try t.process(5000, comm: "dpdk-testpmd", fds: [4: "/dev/iommu", 5: "/dev/vfio/devices/vfio3"])
        return B.snapshot([B.pci("0000:00:05.0", classCode: "0107"), B.pci("0000:00:06.0", classCode: "0200"),
                           B.pci("0000:00:07.0", classCode: "0300"), B.pci("0000:3b:02.0", classCode: "0200"),
                           B.pci("0000:3b:02.3", classCode: "0200"), B.pci("0000:3b:02.4", classCode: "0200")])
    }

    @Test func deviceUseReplaysFromACapture() throws {
        let t = try B()
        defer { t.remove() }
        let snapshot = try Self.deviceTree(t)
        let copy = try Self.capture(t.path)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let original = DeviceUseProbe(root: t.path).observe(snapshot: snapshot)
        let replayed = DeviceUseProbe(root: copy).observe(snapshot: snapshot)

        // What the original shows, checked by hand against the tree above.
        #expect(original.devices["0000:00:05.0"]?.hostReason
                == "disk controller of sda, sda2 via dm-0 (vg-home) mounted at /home")
        #expect(original.devices["0000:00:06.0"]?.hostReason == "network interface eno1 has addresses")
        #expect(original.devices["0000:00:07.0"]?.hostReason == "display (card0)")
        #expect(original.holders.first { $0.id == "pid:4121" }?.pciDevices == ["0000:3b:02.0", "0000:3b:02.4"])
        #expect(original.holders.first { $0.id == "pid:5000" }?.pciDevices == ["0000:3b:02.3"])

        #expect(replayed.devices == original.devices)
        #expect(replayed.holders == original.holders)
        #expect(replayed.notVisible == original.notVisible, "\(replayed.notVisible)")
    }

    /// The vCPU cgroups' only task is qemu's (cgroup.threads), which holds
    /// their CPUs already: without the membership files the copy would list
    /// each cgroup as a second holder.
    @Test func taskHoldersReplayFromACapture() throws {
        let f = try TaskScannerFixtureTests.host()
        defer { f.remove() }
        let copy = try Self.capture(f.root)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let snapshot = TaskScannerFixtureTests.snapshot
        let original = TaskScanner(root: f.root).scan(snapshot: snapshot)
        let replayed = TaskScanner(root: copy).scan(snapshot: snapshot)
        #expect(original.holders == TaskScannerFixtureTests.expectedHolders())
        #expect(replayed.holders.map(\.id) == original.holders.map(\.id))
        #expect(replayed.holders == original.holders)
        #expect(replayed.notVisible == original.notVisible, "\(replayed.notVisible)")
    }
}
