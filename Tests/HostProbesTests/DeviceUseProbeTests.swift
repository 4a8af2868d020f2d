import Foundation
import TestSupport
import Testing
@testable import HostProbes
import TrackerCore

/// `DeviceUseProbe` on captured roots built file by file: each expected
/// value follows from the files the test writes, not from a run's output.
@Suite struct DeviceUseProbeTests {
    typealias B = DeviceRootBuilder

    @Test func virtioBlockControllerWithRootMountedIsHostOwned() throws {
        let t = try B()
        defer { t.remove() }
        try t.device("pci0000:00/0000:00:02.0", vendor: "0x1af4", classCode: "0x010000", driver: "virtio-pci")
        try t.disk("vda", under: "pci0000:00/0000:00:02.0/virtio1/block", dev: "254:0", partitions: [("1", "254:1")])
        // A second virtio-blk whose disk nothing mounts.
        try t.device("pci0000:00/0000:00:03.0", vendor: "0x1af4", classCode: "0x010000", driver: "virtio-pci")
        try t.disk("vdb", under: "pci0000:00/0000:00:03.0/virtio2/block", dev: "254:16")
        // Mounted by device number; the source is written by UUID, as
        // systemd leaves it, so only major:minor can match.
        try t.write("proc/self/mountinfo", """
            22 27 0:21 / /proc rw,relatime shared:12 - proc proc rw
            27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/disk/by-uuid/1234 rw
            30 27 254:1 /srv/data /mnt/my\\040data rw,relatime shared:1 - ext4 /dev/disk/by-uuid/1234 rw

            """)
        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([
            B.pci("0000:00:02.0", classCode: "0100", vendor: "1af4"), B.pci("0000:00:03.0", classCode: "0100", vendor: "1af4"),
        ]))

        let vda = try #require(r.devices["0000:00:02.0"])
        #expect(vda.driver == "virtio-pci")
        #expect(vda.hostReason == "disk controller of vda, vda1 mounted at / and 1 more place")
        #expect(r.devices["0000:00:03.0"]?.hostReason == nil)
        #expect(r.devices["0000:00:03.0"]?.driver == "virtio-pci")
        #expect(r.holders == [Holder(kind: .host, id: "host:0000:00:02.0", name: "disk controller of vda, vda1 mounted at / and 1 more place",
                                     pciDevices: ["0000:00:02.0"])])
        #expect(r.notVisible.isEmpty)
    }

    @Test func nvmePartitionInSwapBehindABridgeNamesTheNVMeNotTheBridge() throws {
        let t = try B()
        defer { t.remove() }
        try t.device("pci0000:00/0000:00:01.0", classCode: "0x060400", driver: "pcieport")
        try t.device("pci0000:00/0000:00:01.0/0000:01:00.0", vendor: "0x144d", classCode: "0x010802", driver: "nvme")
        try t.disk("nvme0n1", under: "pci0000:00/0000:00:01.0/0000:01:00.0/nvme/nvme0", dev: "259:0",
                   partitions: [("p1", "259:1"), ("p2", "259:2")])
        // No mountinfo in this capture: proc/mounts is read instead.
        try t.write("proc/mounts", "/dev/vda1 / ext4 rw 0 0\n")
        try t.write("proc/swaps", """
            Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority
            /dev/nvme0n1p2                          partition\t8388604\t\t0\t\t-2

            """)
        // The bridge's class comes from its `class` file: the snapshot has none.
        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([
            B.pci("0000:00:01.0", classCode: nil), B.pci("0000:01:00.0", classCode: "0108", vendor: "144d"),
        ]))
        #expect(r.devices["0000:01:00.0"]?.hostReason == "disk controller of nvme0n1, nvme0n1p2 is swap")
        #expect(r.devices["0000:00:01.0"]?.hostReason == "PCI bridge")
        #expect(Set(r.holders.map(\.id)) == ["host:0000:00:01.0", "host:0000:01:00.0"])
        #expect(r.notVisible.isEmpty)
    }

    @Test func multipathNVMeNamespaceIsTracedToItsControllerThroughItsPaths() throws {
        let t = try B()
        defer { t.remove() }
        try t.device("pci0000:00/0000:00:04.0", vendor: "0x144d", classCode: "0x010802", driver: "nvme")
        try t.write("sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1/dev", "259:0\n")
        try t.mkdir("sys/devices/pci0000:00/0000:00:04.0/nvme/nvme0/nvme0c0n1")
        try t.link("sys/devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1/multipath/nvme0c0n1",
                   to: "../../../../../pci0000:00/0000:00:04.0/nvme/nvme0/nvme0c0n1")
        try t.link("sys/block/nvme0n1", to: "../devices/virtual/nvme-subsystem/nvme-subsys0/nvme0n1")
        try t.write("proc/self/mountinfo", "50 27 259:0 / /var/lib/nova rw - xfs /dev/nvme0n1 rw\n")
        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([B.pci("0000:00:04.0", classCode: "0108")]))
        #expect(r.devices["0000:00:04.0"]?.hostReason == "disk controller of nvme0n1, mounted at /var/lib/nova")
    }

    @Test func diskUnderDeviceMapperIsFollowedToItsMount() throws {
        let t = try B()
        defer { t.remove() }
        try t.device("pci0000:00/0000:00:05.0", classCode: "0x010700", driver: "mpt3sas")
        try t.disk("sda", under: "pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block", dev: "8:0",
                   partitions: [("1", "8:1"), ("2", "8:2")])
        try t.mkdir("sys/devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/sda2/holders/dm-0")
        try t.write("sys/devices/virtual/block/dm-0/dev", "253:0\n")
        try t.write("sys/devices/virtual/block/dm-0/dm/name", "vg-home\n")
        try t.mkdir("sys/devices/virtual/block/dm-0/holders")
        try t.link("sys/block/dm-0", to: "../devices/virtual/block/dm-0")
        try t.write("proc/self/mountinfo", "40 27 253:0 / /home rw - xfs /dev/mapper/vg-home rw\n")

        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([B.pci("0000:00:05.0", classCode: "0107")]))
        #expect(r.devices["0000:00:05.0"]?.hostReason == "disk controller of sda, sda2 via dm-0 (vg-home) mounted at /home")
    }

    @Test func nicUpOrAddressedIsHostOwnedAndOneDownWithoutAddressesIsNot() throws {
        let t = try B()
        defer { t.remove() }
        let up = try t.device("pci0000:00/0000:00:04.0", classCode: "0x020000", driver: "e1000e")
        try t.interface("eth0", deviceDir: up, flags: "0x1003")
        let addressed = try t.device("pci0000:00/0000:00:06.0", classCode: "0x020000", driver: "e1000e")
        try t.interface("eth1", deviceDir: addressed, flags: "0x1002", operstate: "down")
        let idle = try t.device("pci0000:00/0000:00:07.0", classCode: "0x020000", driver: "e1000e")
        try t.interface("eth2", deviceDir: idle, flags: "0x1002", operstate: "down")
        try t.write("proc/net/if_inet6", """
            fe800000000000000000000000000001 02 40 20 80     eth0
            20010db8000000000000000000000002 03 40 00 80     eth1

            """)
        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([
            B.pci("0000:00:04.0", classCode: "0200"), B.pci("0000:00:06.0", classCode: "0200"),
            B.pci("0000:00:07.0", classCode: "0200"),
        ]))
        #expect(r.devices["0000:00:04.0"]?.netdevUp == true)
        #expect(r.devices["0000:00:04.0"]?.hostReason == "network interface eth0 is up")
        #expect(r.devices["0000:00:06.0"]?.netdevUp == false)
        #expect(r.devices["0000:00:06.0"]?.hostReason == "network interface eth1 has addresses")
        #expect(r.devices["0000:00:07.0"]?.netdevUp == false)
        #expect(r.devices["0000:00:07.0"]?.hostReason == nil)
        #expect(r.devices["0000:00:07.0"]?.driver == "e1000e")
        #expect(r.holders.map(\.id) == ["host:0000:00:04.0", "host:0000:00:06.0"])
    }

    /// With the loader's read of the poll (driver, interface names and
    /// flags), an interface its flags say is down still makes its NIC the
    /// host's when it has an address, and one that is up or a second
    /// interface not read does too; only a NIC whose every interface is
    /// down and unaddressed is free.
    @Test func theLoadersFlagsSayingDownStillLeaveAnAddressedNICTheHosts() throws {
        let t = try B()
        defer { t.remove() }
        let names = ["0000:00:04.0": ["eth0"], "0000:00:06.0": ["eth1"], "0000:00:07.0": ["eth2"],
                     "0000:00:08.0": ["eth3", "eth4"]]
        for (address, interfaces) in names {
            let dir = try t.device("pci0000:00/" + address, classCode: "0x020000", driver: "e1000e")
            // The files say up: the record, read in this poll, is what counts.
            for name in interfaces { try t.interface(name, deviceDir: dir, flags: "0x1003") }
        }
        try t.write("proc/net/if_inet6", "20010db8000000000000000000000002 03 40 00 80     eth1\n")
        var devices: [PCIDevice] = []
        for address in names.keys.sorted() {
            var d = B.pci(address, classCode: "0200")
            d.driver = "e1000e"
            d.netInterfaces = names[address]
            devices.append(d)
        }
        let record = PCIPollRecord()
        let down = { (name: String) in PCIPollRecord.Flag(name: Array(name.utf8), flags: 0x1002) }
        record.record(devices, flags: ["0000:00:04.0": [PCIPollRecord.Flag(name: Array("eth0".utf8), flags: 0x1003)],
                                       "0000:00:06.0": [down("eth1")], "0000:00:07.0": [down("eth2")],
                                       "0000:00:08.0": [down("eth3")]])
        let r = DeviceUseProbe(root: t.path, pciRecord: record).observe(snapshot: B.snapshot(devices))
        #expect(r.devices["0000:00:04.0"]?.hostReason == "network interface eth0 is up")
        #expect(r.devices["0000:00:06.0"]?.netdevUp == false)
        #expect(r.devices["0000:00:06.0"]?.hostReason == "network interface eth1 has addresses")
        #expect(r.devices["0000:00:07.0"]?.netdevUp == false)
        #expect(r.devices["0000:00:07.0"]?.hostReason == nil)
        // eth4's flags were not in the record: read from its file, up.
        #expect(r.devices["0000:00:08.0"]?.hostReason == "network interface eth4 is up")
        #expect(r.holders.map(\.id) == ["host:0000:00:04.0", "host:0000:00:06.0", "host:0000:00:08.0"])
    }

    /// A PF with four VFs: one passed to qemu through VFIO, one idle on
    /// vfio-pci, one with its iavf netdev down (free), one up (the host's).
    private func sriovTree(_ t: B, qemuComm: String = "qemu-kvm") throws -> HostSnapshot {
        let pf = try t.device("pci0000:3a/0000:3a:00.0/0000:3b:00.0", classCode: "0x020000", driver: "i40e", group: 40)
        try t.interface("ens1f0", deviceDir: pf, flags: "0x1002")
        try t.device("pci0000:3a/0000:3a:00.0/0000:3b:02.0", classCode: "0x020000", driver: "vfio-pci", group: 42)
        let down = try t.device("pci0000:3a/0000:3a:00.0/0000:3b:02.1", classCode: "0x020000", driver: "iavf", group: 43)
        try t.interface("enp59s0f0v1", deviceDir: down, flags: "0x1002", operstate: "down")
        let upVF = try t.device("pci0000:3a/0000:3a:00.0/0000:3b:02.2", classCode: "0x020000", driver: "iavf", group: 44)
        try t.interface("enp59s0f0v2", deviceDir: upVF, flags: "0x1003", operstate: "up")
        try t.device("pci0000:3a/0000:3a:00.0/0000:3b:02.3", classCode: "0x020000", driver: "vfio-pci", group: 45)
        try t.process(4121, comm: qemuComm, fds: [0: "/dev/null", 3: "/dev/vfio/vfio", 7: "/dev/vfio/42",
                                                  9: "socket:[12345]"])
        try t.process(1, comm: "systemd", fds: [0: "/dev/null"])
        let vf = { (a: String) in B.pci(a, classCode: "0200", type: .vf, parent: "0000:3b:00.0") }
        return B.snapshot([B.pci("0000:3b:00.0", classCode: "0200", type: .pf), vf("0000:3b:02.0"), vf("0000:3b:02.1"),
                           vf("0000:3b:02.2"), vf("0000:3b:02.3")])
    }

    @Test func vfioGroupHeldByAProcessNamesItAndVFsAreJudgedByTheirNetdev() throws {
        let t = try B()
        defer { t.remove() }
        let r = DeviceUseProbe(root: t.path).observe(snapshot: try sriovTree(t))

        let passed = try #require(r.devices["0000:3b:02.0"])
        #expect(passed.driver == "vfio-pci")
        #expect(passed.vfioUsers == [ProcessRef(pid: 4121, comm: "qemu-kvm")])
        #expect(passed.hostReason == nil)
        #expect(r.devices["0000:3b:02.3"]?.vfioUsers == [])
        let free = try #require(r.devices["0000:3b:02.1"])
        #expect(free.driver == "iavf" && !free.netdevUp && free.hostReason == nil && free.vfioUsers.isEmpty)
        #expect(r.devices["0000:3b:02.2"]?.netdevUp == true)
        #expect(r.devices["0000:3b:02.2"]?.hostReason == "network interface enp59s0f0v2 is up")
        // The PF is down with no addresses: not the host's by use (its
        // driver still keeps it from being claimable; that is the core's).
        #expect(r.devices["0000:3b:00.0"]?.hostReason == nil)

        let kernel = r.holders.filter { $0.kind == .kernel }
        #expect(kernel == [Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121, comm: "qemu-kvm",
                                  pciDevices: ["0000:3b:02.0"])])
        #expect(r.holders.filter { $0.kind == .host }.map(\.id) == ["host:0000:3b:02.2"])
        #expect(r.notVisible.isEmpty)
    }

    @Test func aProcessCommIsSanitisedAndAGroupNamesEveryMemberInTheSnapshot() throws {
        let t = try B()
        defer { t.remove() }
        var s = try sriovTree(t, qemuComm: "qemu\u{1b}[31m")
        // A second function in group 42, also on vfio-pci.
        try t.device("pci0000:3a/0000:3a:00.0/0000:3b:02.4", classCode: "0x020000", driver: "vfio-pci", group: 42)
        s.pciDevices.append(B.pci("0000:3b:02.4", classCode: "0200", type: .vf, parent: "0000:3b:00.0"))
        let r = DeviceUseProbe(root: t.path).observe(snapshot: s)
        // A capture without the groups' devices/ lists: the members come
        // from the devices' iommu_group links instead.
        try FileManager.default.removeItem(atPath: t.path + "/sys/kernel/iommu_groups/42/devices")
        let fromLinks = DeviceUseProbe(root: t.path).observe(snapshot: s)
        #expect(fromLinks.holders.first { $0.id == "pid:4121" }?.pciDevices == ["0000:3b:02.0", "0000:3b:02.4"])
        let user = ProcessRef(pid: 4121, comm: "qemu\\x1b[31m")
        #expect(r.devices["0000:3b:02.0"]?.vfioUsers == [user])
        #expect(r.devices["0000:3b:02.4"]?.vfioUsers == [user])
        #expect(r.holders.first { $0.id == "pid:4121" }?.pciDevices == ["0000:3b:02.0", "0000:3b:02.4"])
        #expect(r.holders.first { $0.id == "pid:4121" }?.comm == "qemu\\x1b[31m")
    }

    @Test func vfioDeviceFilesOfIommufdAreMatchedByTheirCdev() throws {
        let t = try B()
        defer { t.remove() }
        let s = try sriovTree(t)
        try t.mkdir("sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:02.3/vfio-dev/vfio3")
        try t.process(5000, comm: "dpdk-testpmd", fds: [4: "/dev/iommu", 5: "/dev/vfio/devices/vfio3"])
        let r = DeviceUseProbe(root: t.path).observe(snapshot: s)
        #expect(r.devices["0000:3b:02.3"]?.vfioUsers == [ProcessRef(pid: 5000, comm: "dpdk-testpmd")])
        #expect(r.holders.first { $0.id == "pid:5000" }?.pciDevices == ["0000:3b:02.3"])
    }

    /// On tmpfs, like procfs, a directory's size changes with its entries,
    /// which is what the cache watches (procfs: the number of open fds).
    @Test func aKeptProbeRereadsOnlyProcessesWhoseOpenFilesChanged() throws {
        let t = try B(base: URL(fileURLWithPath: "/dev/shm"))
        defer { t.remove() }
        let before = DeviceUseFiles(root: t.path).size(Array("".utf8))
        try t.write("probe-size", "")
        let sizesFollowEntries = before != DeviceUseFiles(root: t.path).size(Array("".utf8))
        guard TestEnvironment.require(sizesFollowEntries, "/dev/shm on tmpfs (directory sizes that follow entries)") else {
            return
        }
        let s = try sriovTree(t)
        let qemu = ProcessRef(pid: 4121, comm: "qemu-kvm")
        let probe = DeviceUseProbe(root: t.path, vfioCache: VFIOScanCache(refreshAfter: 3600))
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.0"]?.vfioUsers == [qemu])

        // pid 1 opens group 45 (one descriptor more), a new process opens
        // group 42, and qemu swaps its group 42 descriptor for one of group
        // 45 (the same count, and the same descriptor number).
        try t.link("proc/1/fd/8", to: "/dev/vfio/45")
        try t.process(6000, comm: "dpdk-testpmd", fds: [3: "/dev/vfio/42"])
        try FileManager.default.removeItem(atPath: t.path + "/proc/4121/fd/7")
        try t.link("proc/4121/fd/7", to: "/dev/vfio/45")
        let dpdk = ProcessRef(pid: 6000, comm: "dpdk-testpmd")

        // A process that held a VFIO file is read on every poll: qemu's
        // swap shows on the next one, well before the hour's refresh.
        let kept = probe.observe(snapshot: s)
        #expect(kept.devices["0000:3b:02.3"]?.vfioUsers == [ProcessRef(pid: 1, comm: "systemd"), qemu])
        #expect(kept.devices["0000:3b:02.0"]?.vfioUsers == [dpdk])
        // …and so does its closing of the group at the same count.
        try FileManager.default.removeItem(atPath: t.path + "/proc/4121/fd/7")
        try t.link("proc/4121/fd/7", to: "/dev/null")
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [ProcessRef(pid: 1, comm: "systemd")])
        // A new observer, and one that refreshes every time, agree.
        #expect(DeviceUseProbe(root: t.path).observe(snapshot: s).devices["0000:3b:02.0"]?.vfioUsers == [dpdk])
        let eager = DeviceUseProbe(root: t.path, vfioCache: VFIOScanCache(refreshAfter: 0))
        #expect(eager.observe(snapshot: s).devices["0000:3b:02.0"]?.vfioUsers == [dpdk])
        #expect(eager.observe(snapshot: s).devices["0000:3b:02.0"]?.vfioUsers == [dpdk])

        // qemu exits: gone from the kept probe's next poll.
        try FileManager.default.removeItem(atPath: t.path + "/proc/4121")
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.0"]?.vfioUsers == [dpdk])
    }

    /// A captured process without fd/ is passed over while its directory
    /// stays as seen; an fd/ made in it (with a VFIO group) shows on the
    /// next poll of a kept probe, long before its refresh.
    @Test func aKeptProbeSeesAVFIOGroupOpenedByAProcessThatHadNoFDDirectory() throws {
        let t = try B()
        defer { t.remove() }
        let s = try sriovTree(t)
        try t.write("proc/7000/comm", "dpdk-testpmd\n")
        let probe = DeviceUseProbe(root: t.path, vfioCache: VFIOScanCache(refreshAfter: 3600))
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [])
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [])
        try t.mkdir("proc/7000/fd")
        try t.link("proc/7000/fd/5", to: "/dev/vfio/45")
        let dpdk = ProcessRef(pid: 7000, comm: "dpdk-testpmd")
        let r = probe.observe(snapshot: s)
        #expect(r.devices["0000:3b:02.3"]?.vfioUsers == [dpdk])
        #expect(r.holders.first { $0.id == "pid:7000" }?.pciDevices == ["0000:3b:02.3"])
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [dpdk])
        // The fd/ removed again: it holds nothing on the next poll.
        try FileManager.default.removeItem(atPath: t.path + "/proc/7000/fd")
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [])
    }

    /// A captured tree's `proc` is listed again only when it changed: a
    /// process added between two polls of a kept probe (long before its
    /// refresh) is seen holding its group on the next one, and one removed
    /// is gone from it.
    @Test func aKeptProbeSeesAProcessAddedToACapturedProcBetweenPolls() throws {
        let t = try B()
        defer { t.remove() }
        let s = try sriovTree(t)
        try t.write("proc/7000/comm", "sshd\n")
        let probe = DeviceUseProbe(root: t.path, vfioCache: VFIOScanCache(refreshAfter: 3600))
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [])
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [])
        try t.process(7100, comm: "dpdk-testpmd", fds: [5: "/dev/vfio/45"])
        let dpdk = ProcessRef(pid: 7100, comm: "dpdk-testpmd")
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [dpdk])
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [dpdk])
        try FileManager.default.removeItem(atPath: t.path + "/proc/7100")
        #expect(probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers == [])
    }

    /// A `proc` whose `self` is a link is a procfs, whose listing is never
    /// kept: it is listed on every poll.
    @Test func aProcWithSelfAsALinkIsListedOnEveryPoll() throws {
        let t = try B()
        defer { t.remove() }
        try t.mkdir("proc/a")
        try t.link("proc/self", to: "a")
        let fd = open(t.path + "/proc", O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        #expect(!VFIOProcListing.isKeepable(fd))
        try FileManager.default.removeItem(atPath: t.path + "/proc/self")
        #expect(VFIOProcListing.isKeepable(fd))
        try t.mkdir("proc/self")
        #expect(VFIOProcListing.isKeepable(fd))
    }

    @Test func processesAreNotScannedWhenNothingIsBoundToVFIO() throws {
        let t = try B()
        defer { t.remove() }
        try t.device("pci0000:00/0000:00:04.0", classCode: "0x020000", driver: "e1000e", group: 42)
        // A stale fd to a group: without a VFIO-bound device it cannot
        // hold anything in the snapshot, and the scan is skipped.
        try t.process(4121, comm: "qemu-kvm", fds: [7: "/dev/vfio/42"])
        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([B.pci("0000:00:04.0", classCode: "0200")]))
        #expect(r.devices["0000:00:04.0"]?.vfioUsers == [])
        #expect(r.holders.isEmpty)
    }

    /// The scan skipped while nothing is bound to VFIO runs on the first
    /// poll of a kept probe after a device is bound to vfio-pci, and finds
    /// the process holding its group.
    @Test func aKeptProbeScansOnThePollAfterADeviceIsBoundToVFIO() throws {
        let t = try B()
        defer { t.remove() }
        let dir = try t.device("pci0000:00/0000:00:04.0", classCode: "0x020000", driver: "e1000e", group: 42)
        try t.process(4121, comm: "qemu-kvm", fds: [7: "/dev/vfio/42"])
        let snapshot = B.snapshot([B.pci("0000:00:04.0", classCode: "0200")])
        let probe = DeviceUseProbe(root: t.path, vfioCache: VFIOScanCache(refreshAfter: 3600))
        #expect(probe.observe(snapshot: snapshot).holders.isEmpty)
        #expect(probe.observe(snapshot: snapshot).holders.isEmpty)
        try FileManager.default.removeItem(atPath: t.path + "/" + dir + "/driver")
        try t.link(dir + "/driver", to: "../../../bus/pci/drivers/vfio-pci")
        let r = probe.observe(snapshot: snapshot)
        #expect(r.devices["0000:00:04.0"]?.driver == "vfio-pci")
        #expect(r.devices["0000:00:04.0"]?.vfioUsers == [ProcessRef(pid: 4121, comm: "qemu-kvm")])
        #expect(r.holders.first { $0.id == "pid:4121" }?.pciDevices == ["0000:00:04.0"])
    }

    @Test func bridgesAndTheBootDisplayAreTheHosts() throws {
        let t = try B()
        defer { t.remove() }
        try t.device("pci0000:00/0000:00:00.0", classCode: "0x060000")
        try t.device("pci0000:00/0000:00:1f.0", classCode: "0x060100", driver: "lpc_ich")
        let vga = try t.device("pci0000:00/0000:00:08.0", vendor: "0x1234", classCode: "0x030000")
        try t.write(vga + "/boot_vga", "1\n")
        let gpu = try t.device("pci0000:00/0000:00:09.0", vendor: "0x10de", classCode: "0x030000", driver: "nouveau")
        try t.write(gpu + "/boot_vga", "0\n")
        try t.mkdir(gpu + "/drm/card1")
        // A GPU the operator gave to VFIO is free, boot_vga or not.
        let given = try t.device("pci0000:00/0000:00:0a.0", vendor: "0x10de", classCode: "0x030000", driver: "vfio-pci")
        try t.write(given + "/boot_vga", "1\n")
        let r = DeviceUseProbe(root: t.path).observe(snapshot: B.snapshot([
            B.pci("0000:00:00.0", classCode: "0600"), B.pci("0000:00:1f.0", classCode: "0601"),
            B.pci("0000:00:08.0", classCode: "0300", vendor: "1234"), B.pci("0000:00:09.0", classCode: "0300", vendor: "10de"),
            B.pci("0000:00:0a.0", classCode: "0300", vendor: "10de"),
        ]))
        #expect(r.devices["0000:00:00.0"]?.hostReason == "host bridge")
        #expect(r.devices["0000:00:00.0"]?.driver == nil)
        #expect(r.devices["0000:00:1f.0"]?.hostReason == "ISA bridge")
        #expect(r.devices["0000:00:08.0"]?.hostReason == "boot display")
        #expect(r.devices["0000:00:09.0"]?.hostReason == "display (card1)")
        #expect(r.devices["0000:00:0a.0"]?.hostReason == nil)
    }

    @Test func specialFilesAreRefusedAndGarbageIsNeverTakenAsFree() throws {
        let t = try B()
        defer { t.remove() }
        let fifoNIC = try t.device("pci0000:00/0000:00:04.0", classCode: "0x020000", driver: "e1000e")
        try t.interface("eth0", deviceDir: fifoNIC, flags: nil, operstate: "up")
        try t.fifo(fifoNIC + "/net/eth0/flags")
        let garbled = try t.device("pci0000:00/0000:00:06.0", classCode: "0x020000", driver: "e1000e")
        try t.interface("eth9", deviceDir: garbled, flags: "zzz")
        try t.device("pci0000:00/0000:00:02.0", vendor: "0x1af4", classCode: "0x010000", driver: "virtio-pci")
        try t.disk("vda", under: "pci0000:00/0000:00:02.0/virtio1/block", dev: "254:0")
        // Both mount tables and the swap list are FIFOs: a reader that
        // opened them blocking would hang here.
        try t.fifo("proc/self/mountinfo")
        try t.fifo("proc/mounts")
        try t.fifo("proc/swaps")
        try t.fifo("proc/net/if_inet6")
        let snapshot = B.snapshot([B.pci("0000:00:04.0", classCode: "0200"), B.pci("0000:00:06.0", classCode: "0200"),
                                   B.pci("0000:00:02.0", classCode: "0100", vendor: "1af4")])

        let r = try #require(Self.withDeadline(seconds: 20) { DeviceUseProbe(root: t.path).observe(snapshot: snapshot) })
        // flags refused; operstate decides.
        #expect(r.devices["0000:00:04.0"]?.netdevUp == true)
        #expect(r.devices["0000:00:04.0"]?.hostReason == "network interface eth0 is up")
        #expect(r.notVisible.contains { $0.contains("net/eth0/flags is a FIFO, not a regular file") })
        // Neither flags nor operstate: in use, said so.
        #expect(r.devices["0000:00:06.0"]?.netdevUp == false)
        #expect(r.devices["0000:00:06.0"]?.hostReason == "network interface eth9 of unknown state")
        #expect(r.notVisible.contains { $0.contains("net/eth9/flags is not a hex number") && $0.contains("0000:00:06.0") })
        // No mount table: a controller with a disk is not taken as free.
        #expect(r.devices["0000:00:02.0"]?.hostReason == "disk controller of vda, mounts cannot be read")
        #expect(r.notVisible.contains { $0.contains("proc/self/mountinfo is a FIFO") && $0.contains("proc/mounts is a FIFO") })
        #expect(r.notVisible.contains { $0.contains("proc/swaps is a FIFO") })
        #expect(r.notVisible.contains { $0.contains("proc/net/if_inet6 is a FIFO") })
    }

    @Test func devicesAndProcessesGoneMidScanAreSkippedAndSaidSo() throws {
        let t = try B()
        defer { t.remove() }
        let s0 = try sriovTree(t)
        // The device left after the snapshot: its bus link dangles.
        try t.link("sys/bus/pci/devices/0000:3b:02.5", to: "../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:02.5")
        // A process whose fds still show group 42 but whose comm is gone
        // (exited between the two reads), and one whose fd/ is a file.
        try t.mkdir("proc/4200/fd")
        try t.link("proc/4200/fd/7", to: "/dev/vfio/42")
        try t.write("proc/555/comm", "hidden\n")
        try t.write("proc/555/fd", "not a directory\n")
        try t.write("proc/garbage/comm", "x\n")
        var s = s0
        s.pciDevices.append(B.pci("0000:3b:02.5", classCode: "0200", type: .vf, parent: "0000:3b:00.0"))

        let r = DeviceUseProbe(root: t.path).observe(snapshot: s)
        #expect(r.devices["0000:3b:02.5"] == nil)
        #expect(r.notVisible.contains { $0.hasPrefix("PCI 0000:3b:02.5:") && $0.contains("is gone since the snapshot") })
        #expect(r.holders.filter { $0.kind == .kernel }.map(\.id) == ["pid:4121"])
        #expect(r.devices["0000:3b:02.0"]?.vfioUsers == [ProcessRef(pid: 4121, comm: "qemu-kvm")])
        // pid 555 exists but its open files cannot be read: said, naming
        // the devices whose users are then unknown.
        #expect(r.notVisible.contains { $0.contains("pid 555") && $0.contains("0000:3b:02.0, 0000:3b:02.3") })
        // Not visible is not free: the VFIO device with no known user has
        // unknown users (the one pid 4121 holds is blocked by it anyway).
        #expect(r.devices["0000:3b:02.3"]?.usersUnknown == "the open files of pid 555 cannot be read")
        #expect(r.devices["0000:3b:02.0"]?.usersUnknown == nil)
    }

    @Test func mountPointEscapesAreDecoded() {
        #expect(MountTable.unescape(Array(#"/mnt/my\040data\134x"#.utf8)) == Array(#"/mnt/my data\x"#.utf8))
        #expect(MountTable.unescape(Array(#"/a\04"#.utf8)) == Array(#"/a\04"#.utf8))
    }

    /// vfio-pci and vendor variants are VFIO drivers wherever "vfio"
    /// appears in the name; nothing else is.
    @Test func vfioDriversAreFoundAnywhereInTheName() {
        for name in ["vfio-pci", "mlx5_vfio_pci", "vfio", "hisi_acc_vfio_pci"] { #expect(DeviceUseProbe.isVFIO(name), "\(name)") }
        for name in ["", "vfi", "i40e", "pci-stub", "VFIO-pci", "vf-io"] { #expect(!DeviceUseProbe.isVFIO(name), "\(name)") }
    }

    @Test func vfioLinkTargetsAreParsedStrictly() {
        #expect(VFIOUserScan.parse(Array("42".utf8)) == .group(42))
        #expect(VFIOUserScan.parse(Array("noiommu-7".utf8)) == .group(7))
        #expect(VFIOUserScan.parse(Array("vfio".utf8)) == nil)
        #expect(VFIOUserScan.parse(Array("devices/vfio3".utf8)) == .device("vfio3"))
        #expect(VFIOUserScan.parse(Array("42 (deleted)".utf8)) == nil)
        #expect(VFIOUserScan.parse(Array("-1".utf8)) == nil)
    }

    /// `body`'s value, or nil after recording an issue when it has not
    /// returned in time (a read blocked on a FIFO): the test fails instead
    /// of hanging the run.
    static func withDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.set(body())
            done.signal()
        }
        guard done.wait(timeout: .now() + seconds) == .success else {
            Issue.record("did not return within \(seconds) s: a read blocked")
            return nil
        }
        return box.get()
    }

    /// The VFIO scan takes pids from one open `proc` in the order a sorted
    /// listing of their names gives (which processes a scan cut short by
    /// its bounds looked at, and the order unreadable ones are named in),
    /// skipping names that are not positive pids.
    @Test func theVFIOScanTakesPidsInTheListingsOrder() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-pids-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["999", "1000", "10", "100", "2", "self", "0", "4294967296", "2147483647", "12a"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("proc/\(name)"),
                                                    withIntermediateDirectories: true)
        }
        let files = DeviceUseFiles(root: dir.path)
        let proc = try #require(files.openDirectory(Array("proc".utf8)))
        defer { close(proc) }
        #expect(VFIOUserScan.pids(in: proc, files: files) == [10, 100, 1000, 2, 2147483647, 999])
        #expect(files.openDirectory(Array("proc/none".utf8)) == nil)
    }
}
