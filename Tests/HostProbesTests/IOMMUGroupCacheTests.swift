import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A kept `DeviceUseProbe` on a captured root without
/// `sys/kernel/iommu_groups/N/devices` keeps each device's group between
/// polls under its directory's identity. These tests change the root
/// between two polls of one probe, as a host changes under the dashboard.
@Suite struct IOMMUGroupCacheTests {
    typealias B = DeviceRootBuilder

    private let a = "0000:3b:02.0"
    private let b = "0000:3b:02.4"
    private func path(_ address: String) -> String { "pci0000:3a/0000:3a:00.0/" + address }

    /// Two functions on vfio-pci, `a` in group 42 (held open by pid 4121)
    /// and `b` in group 43 (held by nobody); no group directories.
    private func tree() throws -> (B, HostSnapshot) {
        let t = try B()
        try t.device(path(a), classCode: "0x020000", driver: "vfio-pci", group: 42)
        try t.device(path(b), classCode: "0x020000", driver: "vfio-pci", group: 43)
        try t.process(4121, comm: "qemu-kvm", fds: [3: "/dev/vfio/vfio", 7: "/dev/vfio/42"])
        try FileManager.default.removeItem(atPath: t.path + "/sys/kernel/iommu_groups")
        let s = B.snapshot([B.pci(a, classCode: "0200"), B.pci(b, classCode: "0200")])
        return (t, s)
    }

    private func held(_ r: DeviceUseProbe.Result) -> [String]? {
        r.holders.first { $0.id == "pid:4121" }?.pciDevices
    }

    @Test func aDeviceReplacedIntoTheHeldGroupIsHeldOnTheNextPoll() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        let probe = DeviceUseProbe(root: t.path)
        #expect(held(probe.observe(snapshot: s)) == [a])
        #expect(held(probe.observe(snapshot: s)) == [a])
        // Unplugged and replugged behind the same IOMMU group as `a` (a
        // new directory at the same address, its link naming group 42).
        try FileManager.default.removeItem(atPath: t.path + "/sys/devices/" + path(b))
        try FileManager.default.removeItem(atPath: t.path + "/sys/bus/pci/devices/" + b)
        try t.device(path(b), classCode: "0x020000", driver: "vfio-pci")
        try t.link("sys/devices/" + path(b) + "/iommu_group", to: "../../../../kernel/iommu_groups/42")
        let after = probe.observe(snapshot: s)
        #expect(held(after) == [a, b])
        #expect(after.devices[b]?.vfioUsers == [ProcessRef(pid: 4121, comm: "qemu-kvm")])
    }

    @Test func aDeviceReplacedOutOfTheHeldGroupIsFreeOnTheNextPoll() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        let probe = DeviceUseProbe(root: t.path)
        #expect(held(probe.observe(snapshot: s)) == [a])
        _ = probe.observe(snapshot: s)
        try FileManager.default.removeItem(atPath: t.path + "/sys/devices/" + path(a))
        try FileManager.default.removeItem(atPath: t.path + "/sys/bus/pci/devices/" + a)
        try t.device(path(a), classCode: "0x020000", driver: "vfio-pci")
        try t.link("sys/devices/" + path(a) + "/iommu_group", to: "../../../../kernel/iommu_groups/44")
        let after = probe.observe(snapshot: s)
        #expect(held(after) == nil)
        #expect(after.devices[a]?.vfioUsers == [])
    }

    /// With the loader's read of the same poll, each device's group is the
    /// one that read kept (checked against the directory's identity in that
    /// poll), not read again; a snapshot not matching the record is read.
    @Test func theLoadersReadOfThePollGivesTheGroups() throws {
        let (t, s0) = try tree()
        defer { t.remove() }
        var s = s0
        // The record says `b` is in group 42 (the files say 43), so the
        // answer shows which was used.
        for i in s.pciDevices.indices { s.pciDevices[i].iommuGroup = 42 }
        let record = PCIPollRecord()
        record.record(s.pciDevices)
        let probe = DeviceUseProbe(root: t.path, pciRecord: record)
        #expect(held(probe.observe(snapshot: s)) == [a, b])
        #expect(held(probe.observe(snapshot: s0)) == [a])
    }

    /// Where the groups' `devices/` lists exist, the loader's read of the
    /// same poll still gives the groups (no listing per held group per
    /// poll), unless it found no group for some observed device: then the
    /// listings say.
    @Test func theLoadersReadOfThePollGivesTheGroupsOverTheListings() throws {
        let t = try B()
        defer { t.remove() }
        try t.device(path(a), classCode: "0x020000", driver: "vfio-pci", group: 42)
        try t.device(path(b), classCode: "0x020000", driver: "vfio-pci", group: 43)
        try t.process(4121, comm: "qemu-kvm", fds: [3: "/dev/vfio/vfio", 7: "/dev/vfio/42"])
        let s0 = B.snapshot([B.pci(a, classCode: "0200"), B.pci(b, classCode: "0200")])
        // The record says `b` is in group 42 (its listing says 43).
        var s = s0
        for i in s.pciDevices.indices { s.pciDevices[i].iommuGroup = 42 }
        let record = PCIPollRecord()
        record.record(s.pciDevices)
        #expect(held(DeviceUseProbe(root: t.path, pciRecord: record).observe(snapshot: s)) == [a, b])
        #expect(held(DeviceUseProbe(root: t.path, pciRecord: record).observe(snapshot: s0)) == [a])
        // The read found no group for `b`: the listings, where `b` is not
        // in group 42.
        s.pciDevices[1].iommuGroup = nil
        record.record(s.pciDevices)
        #expect(held(DeviceUseProbe(root: t.path, pciRecord: record).observe(snapshot: s)) == [a])
    }
}
