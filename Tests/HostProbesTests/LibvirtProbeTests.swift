import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Whole readings of captured roots: running, defined and stale domains,
/// applied against promised pins, the machine scope and the parse cache.
@Suite struct LibvirtProbeTests {
    static let isolateUUID = "efba91fc-8034-48b6-b610-a9f7f9270f4e"
    static let shutoffUUID = "8ded3c96-91eb-49fa-9d5f-576cdeb8fc4c"
    static let hugeUUID = "74667bff-e202-449d-a964-3a295a9ac6de"

    /// status-isolate.xml's QEMU (pid 4100, threads 4106–4109) with each
    /// thread allowed exactly on its pin (isolate.decision.json's pinning).
    func runningIsolate(_ root: LibvirtTestRoot, vcpu2Allowed: String = "11") throws {
        try root.copy("nova-isolate.xml", to: "etc/libvirt/qemu/instance-00000101.xml")
        try root.copy("status-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        try root.process(4100, allowed: "12", threads: [(4106, "10"), (4107, "26"), (4108, vcpu2Allowed), (4109, "27")])
    }

    @Test func runningDomainIsOneHolderWithEveryField() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root)
        try root.mkdir("sys/fs/cgroup/machine.slice/machine-qemu\\x2d3\\x2dinstance\\x2d00000101.scope/libvirt/vcpu0")
        let reading = root.read()
        #expect(reading.findings == [])
        #expect(reading.notVisible == [])
        let want = Holder(
            kind: .libvirt, id: "libvirt:\(Self.isolateUUID)", name: "instance-00000101", pid: 4100, comm: "qemu-system-x86",
            cgroup: "/machine.slice/machine-qemu\\x2d3\\x2dinstance\\x2d00000101.scope",
            cpus: [10, 11, 12, 26, 27], pages: [], pciDevices: [], memoryMBPerNode: [1: 1024],
            foreign: ForeignDetail(
                uuid: Self.isolateUUID, state: .running, vcpuPins: [0: [10], 1: [26], 2: [11], 3: [27]],
                appliedPins: [0: [10], 1: [26], 2: [11], 3: [27]], emulatorCPUs: [12], floatingCPUs: nil,
                vcpuThreads: [0: 4106, 1: 4107, 2: 4108, 3: 4109], novaInstance: "instance-00000101",
                novaFlavor: "restrack.flavor", novaProject: "restrack",
                sources: ["etc/libvirt/qemu/instance-00000101.xml", "run/libvirt/qemu/instance-00000101.xml"]))
        #expect(reading.holders == [want])
    }

    @Test func definitionOnlyIsDefinedWithoutProcessFields() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("libvirt-floating-shutoff.xml", to: "etc/libvirt/qemu/instance-00000105.xml")
        let reading = root.read()
        // floating-shutoff.decision.json: no cells, pci 0000:1b:00.0; the
        // <vcpu cpuset> is every shared CPU of the host.
        let want = Holder(
            kind: .libvirt, id: "libvirt:\(Self.shutoffUUID)", name: "instance-00000105",
            cpus: [], pages: [], pciDevices: ["0000:1b:00.0"], memoryMBPerNode: [:],
            foreign: ForeignDetail(
                uuid: Self.shutoffUUID, state: .defined, vcpuPins: [:], appliedPins: nil,
                emulatorCPUs: LibvirtDomainParserTests.sharedAll, floatingCPUs: LibvirtDomainParserTests.sharedAll,
                novaInstance: "instance-00000105", novaFlavor: "restrack.flavor", novaProject: "restrack",
                sources: ["etc/libvirt/qemu/instance-00000105.xml"]))
        #expect(reading.holders == [want])
        #expect(reading.findings == [])
    }

    @Test func severalDomainsKeyedByUUIDAcrossBothDirectories() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root)
        try root.copy("libvirt-floating-shutoff.xml", to: "etc/libvirt/qemu/instance-00000105.xml")
        // A transient domain: running, never defined.
        try root.copy("status-hugepages-2cells.xml", to: "run/libvirt/qemu/instance-00000102.xml")
        try root.process(5200, threads: [(5206, "0-1,16-17"), (5207, "0-1,16-17"), (5208, "8-9,24-25"), (5209, "8-9,24-25")])
        try root.mkdir("etc/libvirt/qemu/autostart")
        try root.write("etc/libvirt/qemu/notes.txt", "not a domain")
        let reading = root.read()
        let states = Dictionary(uniqueKeysWithValues: reading.holders.map { ($0.foreign?.uuid ?? "", $0.foreign?.state) })
        #expect(states == [Self.isolateUUID: .running, Self.shutoffUUID: .defined, Self.hugeUUID: .running])
        #expect(reading.findings == [])
        let huge = try #require(reading.holders.first { $0.foreign?.uuid == Self.hugeUUID })
        #expect(huge.pages == [HeldPages(node: 0, sizeKB: 2048, count: 512), HeldPages(node: 1, sizeKB: 2048, count: 512)])
        #expect(huge.cpus.isEmpty)
        #expect(huge.foreign?.floatingCPUs == LibvirtDomainParserTests.sharedAll)
        #expect(huge.foreign?.sources == ["run/libvirt/qemu/instance-00000102.xml"])
    }

    @Test func domstatusWithoutItsProcessIsStale() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("nova-isolate.xml", to: "etc/libvirt/qemu/instance-00000101.xml")
        try root.copy("status-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        try root.mkdir("proc/1")
        let reading = root.read()
        let holder = try #require(reading.holders.first)
        #expect(holder.foreign?.state == .stale)
        #expect(holder.pid == nil)
        // Its resources stay promised by libvirt's record.
        #expect(holder.cpus == [10, 11, 12, 26, 27])
        let finding = try #require(reading.findings.first)
        #expect(reading.findings.count == 1)
        #expect(finding.kind == .stale)
        #expect(finding.holders == ["libvirt:\(Self.isolateUUID)"])
        #expect(finding.message.contains("instance-00000101"))
        #expect(finding.message.contains("run/libvirt/qemu/instance-00000101.xml"))
        #expect(finding.message.contains("no process 4100"))
        #expect(finding.message.contains("virsh list --all"))
    }

    @Test func reusedPidIsStale() throws {
        // Another program now has pid 4100.
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("status-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        try root.process(4100, comm: "nginx", threads: [])
        let byName = root.read()
        #expect(byName.holders.first?.foreign?.state == .stale)
        #expect(byName.findings.first?.message.contains("'nginx', not QEMU") == true)

        // A QEMU with pid 4100, but not this domain's: its threads differ.
        let other = try LibvirtTestRoot()
        defer { other.remove() }
        try other.copy("status-isolate.xml", to: "run/libvirt/qemu/instance-00000101.xml")
        try other.process(4100, threads: [(4106, "10"), (4107, "26"), (4108, "11"), (4200, "27")])
        let byThreads = other.read()
        #expect(byThreads.holders.first?.foreign?.state == .stale)
        #expect(byThreads.findings.first?.message.contains("no thread 4109") == true)
    }

    @Test func processThatCannotBeLookedAtIsRunningAndSaidSo() throws {
        // hidepid=2 or another user's process: EACCES, not ENOENT. The
        // domain is not called stale on what could not be seen.
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root)
        let reading = root.read(fault: { $0 == "proc/4100/status" ? EACCES : nil })
        let holder = try #require(reading.holders.first)
        #expect(holder.foreign?.state == .running)
        #expect(holder.pid == 4100)
        #expect(holder.foreign?.appliedPins == nil)
        #expect(reading.findings == [])
        #expect(reading.notVisible.count == 1)
        #expect(reading.notVisible.first?.hasPrefix("libvirt domain instance-00000101 (\(Self.isolateUUID)): its QEMU process could not be checked") == true)
    }

    @Test func threadAllowedBeyondItsPinIsDrift() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root, vcpu2Allowed: "10-11")
        let reading = root.read()
        let holder = try #require(reading.holders.first)
        #expect(holder.foreign?.state == .running)
        #expect(holder.foreign?.appliedPins?[2] == [10, 11])
        #expect(holder.foreign?.vcpuPins?[2] == [11])
        #expect(reading.findings.count == 1)
        let finding = try #require(reading.findings.first)
        #expect(finding.kind == .drift)
        #expect(finding.resource == "CPU 11")
        #expect(finding.holders == ["libvirt:\(Self.isolateUUID)"])
        #expect(finding.message == "vCPU 2 of instance-00000101 (\(Self.isolateUUID)) is pinned to CPU 11 but its thread 4108 "
            + "may run on 10-11; re-apply the pin with `virsh vcpupin instance-00000101 2 11 --live` (restrack never edits libvirt state).")
    }

    @Test func threadNarrowerThanItsPinIsNotDrift() throws {
        // A floating vCPU (pin over node 0's shared CPUs) running on one of
        // them breaks no promise.
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("status-hugepages-2cells.xml", to: "run/libvirt/qemu/instance-00000102.xml")
        try root.process(5200, threads: [(5206, "0"), (5207, "0-1,16-17"), (5208, "8-9,24-25"), (5209, "8-9,24-25")])
        #expect(root.read().findings == [])
    }

    @Test func hugePagesOnAnotherNodeThanNumatuneIsDrift() throws {
        // status-hugepages-2cells: 512 × 2 MiB on node 0 and on node 1. A
        // QEMU whose numa_maps shows its huge pages on node 0 and node 2 has
        // some where no memnode put them.
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("status-hugepages-2cells.xml", to: "run/libvirt/qemu/instance-00000102.xml")
        try root.process(5200, threads: [(5206, "0-1,16-17"), (5207, "0-1,16-17"), (5208, "8-9,24-25"), (5209, "8-9,24-25")])
        let maps = """
            55d0c0000000 default file=/usr/bin/qemu-system-x86_64 mapped=100 N0=100 kernelpagesize_kB=4
            7f0000000000 bind:0 file=/dev/hugepages/libvirt/qemu/4-instance-00000102/qemu_back_mem._objects_ram-node0 huge dirty=512 N0=512 kernelpagesize_kB=2048
            7f4000000000 bind:1 file=/dev/hugepages/libvirt/qemu/4-instance-00000102/qemu_back_mem._objects_ram-node1 huge dirty=512 N2=512 kernelpagesize_kB=2048
            """
        try root.write("proc/5200/numa_maps", maps + "\n")
        let reading = root.read()
        #expect(reading.findings.count == 1)
        let finding = try #require(reading.findings.first)
        #expect(finding.kind == .drift)
        #expect(finding.resource == "2048 KiB pages on node 2")
        #expect(finding.message.contains("512 of its 2048 KiB pages on node 2"))
        #expect(finding.message.contains("node 0, 1"))

        // Where numatune put them: no finding.
        try root.write("proc/5200/numa_maps", maps.replacingOccurrences(of: "N2=512", with: "N1=512") + "\n")
        #expect(root.read().findings == [])
    }

    @Test func numaMapsIsReadAtMostOncePerInterval() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("status-hugepages-2cells.xml", to: "run/libvirt/qemu/instance-00000102.xml")
        try root.process(5200, threads: [(5206, "0-1,16-17"), (5207, "0-1,16-17"), (5208, "8-9,24-25"), (5209, "8-9,24-25")])
        let off = "7f00 bind:1 file=/dev/hugepages/x huge dirty=512 N2=512 kernelpagesize_kB=2048\n"
        let on = "7f00 bind:1 file=/dev/hugepages/x huge dirty=512 N1=512 kernelpagesize_kB=2048\n"
        try root.write("proc/5200/numa_maps", off)
        let slow = LibvirtProbe(root: root.root, fault: nil)
        let eager = LibvirtProbe(root: root.root, fault: nil, numaMapsInterval: 0)
        #expect(slow.read(snapshot: LibvirtTestRoot.snapshot).findings.map(\.kind) == [.drift])
        #expect(eager.read(snapshot: LibvirtTestRoot.snapshot).findings.map(\.kind) == [.drift])
        try root.write("proc/5200/numa_maps", on)
        // Within its 30 s the first probe keeps what it read.
        #expect(slow.read(snapshot: LibvirtTestRoot.snapshot).findings.map(\.kind) == [.drift])
        #expect(eager.read(snapshot: LibvirtTestRoot.snapshot).findings == [])
    }

    @Test func unchangedFilesAreNotParsedAgain() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try runningIsolate(root)
        try root.copy("libvirt-floating-shutoff.xml", to: "etc/libvirt/qemu/instance-00000105.xml")
        let probe = LibvirtProbe(root: root.root, fault: nil)
        let first = probe.read(snapshot: LibvirtTestRoot.snapshot)
        #expect(probe.parseCount == 3)
        let second = probe.read(snapshot: LibvirtTestRoot.snapshot)
        #expect(probe.parseCount == 3)
        #expect(second == first)

        // The process is read every poll: its exit shows at once.
        try FileManager.default.removeItem(at: root.dir.appendingPathComponent("proc/4100"))
        #expect(probe.read(snapshot: LibvirtTestRoot.snapshot).holders.first { $0.foreign?.uuid == Self.isolateUUID }?.foreign?.state == .stale)
        #expect(probe.parseCount == 3)

        // A rewritten file (new inode, size) is parsed again.
        let edited = String(decoding: try LibvirtTestRoot.fixture("libvirt-floating-shutoff.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<name>instance-00000105</name>", with: "<name>renamed-guest</name>")
        try root.write("etc/libvirt/qemu/instance-00000105.xml", edited)
        let third = probe.read(snapshot: LibvirtTestRoot.snapshot)
        #expect(probe.parseCount == 4)
        #expect(third.holders.first { $0.foreign?.uuid == Self.shutoffUUID }?.name == "renamed-guest")
    }

    /// A file rewritten in place, same inode and size, its modification
    /// time set back (as `touch -r`, `cp -p` or `rsync -t` leave it): only
    /// the change time, which no user can set, tells it from the one read.
    @Test func inPlaceRewriteWithItsOldModificationTimeIsParsedAgain() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        let relative = "etc/libvirt/qemu/instance-00000105.xml"
        try root.copy("libvirt-floating-shutoff.xml", to: relative)
        let path = root.dir.appendingPathComponent(relative).path
        let probe = LibvirtProbe(root: root.root, fault: nil)
        #expect(probe.read(snapshot: LibvirtTestRoot.snapshot).holders.map(\.name) == ["instance-00000105"])

        var before = stat()
        #expect(stat(path, &before) == 0)
        let edited = String(decoding: try LibvirtTestRoot.fixture("libvirt-floating-shutoff.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<name>instance-00000105</name>", with: "<name>instance-00000906</name>")
        let fd = open(path, O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        let bytes = Array(edited.utf8)
        #expect(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        #expect(stat(path, &after) == 0)
        // The stamp the cache used to keep is the same as before the edit.
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)

        #expect(probe.read(snapshot: LibvirtTestRoot.snapshot).holders.map(\.name) == ["instance-00000906"])
        #expect(probe.parseCount == 2)
    }

    /// The resources worked out with a parse are kept with it: a pin
    /// changed in place (same inode, same size) shows in the holder's CPUs
    /// at the next poll.
    @Test func pinRewrittenInPlaceShowsInTheNextPollsCPUs() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        let relative = "etc/libvirt/qemu/instance-00000101.xml"
        try root.copy("nova-isolate.xml", to: relative)
        let path = root.dir.appendingPathComponent(relative).path
        let probe = LibvirtProbe(root: root.root, fault: nil)
        // isolate.decision.json: vCPUs on 10, 26, 11, 27, the emulator on 12.
        #expect(probe.read(snapshot: LibvirtTestRoot.snapshot).holders.map(\.cpus) == [[10, 11, 12, 26, 27]])
        #expect(probe.read(snapshot: LibvirtTestRoot.snapshot).holders.map(\.cpus) == [[10, 11, 12, 26, 27]])
        #expect(probe.parseCount == 1)

        var before = stat()
        #expect(stat(path, &before) == 0)
        let text = String(decoding: try LibvirtTestRoot.fixture("nova-isolate.xml"), as: UTF8.self)
        #expect(text.contains("<vcpupin vcpu=\"2\" cpuset=\"11\"/>"))
        let edited = text.replacingOccurrences(of: "<vcpupin vcpu=\"2\" cpuset=\"11\"/>", with: "<vcpupin vcpu=\"2\" cpuset=\"13\"/>")
        let fd = open(path, O_WRONLY | O_TRUNC)
        #expect(fd >= 0)
        let bytes = Array(edited.utf8)
        #expect(bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)

        let holder = probe.read(snapshot: LibvirtTestRoot.snapshot).holders.first
        #expect(holder?.cpus == [10, 12, 13, 26, 27])
        #expect(holder?.foreign?.vcpuPins?[2] == [13])
        #expect(probe.parseCount == 2)
    }

    @Test func hostNamesAreStrippedOfControlCharacters() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        let text = String(decoding: try LibvirtTestRoot.fixture("libvirt-floating-shutoff.xml"), as: UTF8.self)
            .replacingOccurrences(of: "<name>instance-00000105</name>", with: "<name>vm&#x9b;31m-&#x202e;evil&#x2028;</name>")
            .replacingOccurrences(of: "<nova:project uuid=\"3c2b1a0f9e8d4c7b6a5f4e3d2c1b0a99\">restrack</nova:project>",
                                  with: "<nova:project uuid=\"3c2b1a0f9e8d4c7b6a5f4e3d2c1b0a99\">pro&#x85;ject</nova:project>")
        try root.write("etc/libvirt/qemu/x.xml", text)
        let holder = try #require(root.read().holders.first)
        // XML 1.0 has no C0 controls even as references; C1 (CSI, NEL),
        // bidi overrides and line separators it allows.
        #expect(holder.name == "vm31m-evil")
        #expect(holder.foreign?.novaProject == "project")
    }
}
