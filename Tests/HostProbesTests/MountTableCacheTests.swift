import Foundation
import TestSupport
import Testing
@testable import HostProbes
import TrackerCore
#if canImport(Glibc)
import Glibc
#endif

/// The mount table and block-device scan kept between the polls of one
/// probe: what changes on disk between two polls shows at the second, and
/// an unchanged live table is not read again.
@Suite struct MountTableCacheTests {
    typealias B = DeviceRootBuilder

    static let procLine = "22 27 0:21 / /proc rw,relatime shared:12 - proc proc rw\n"

    static func virtio(_ t: B) throws -> HostSnapshot {
        try t.device("pci0000:00/0000:00:02.0", vendor: "0x1af4", classCode: "0x010000", driver: "virtio-pci")
        try t.disk("vda", under: "pci0000:00/0000:00:02.0/virtio1/block", dev: "254:0", partitions: [("1", "254:1")])
        try t.device("pci0000:00/0000:00:03.0", vendor: "0x1af4", classCode: "0x010000", driver: "virtio-pci")
        return B.snapshot([B.pci("0000:00:02.0", classCode: "0100", vendor: "1af4"),
                           B.pci("0000:00:03.0", classCode: "0100", vendor: "1af4")])
    }

    @Test func aMountAddedToACapturedRootBetweenPollsMakesTheControllerTheHosts() throws {
        let t = try B()
        defer { t.remove() }
        let s = try Self.virtio(t)
        try t.write("proc/self/mountinfo", Self.procLine)
        let probe = DeviceUseProbe(root: t.path)
        #expect(probe.observe(snapshot: s).devices["0000:00:02.0"]?.hostReason == nil)
        #expect(probe.observe(snapshot: s).devices["0000:00:02.0"]?.hostReason == nil)
        #expect(probe.mountCache.mountinfoReads == 1)

        // Written in place (same inode): size and mtime move.
        try t.write("proc/self/mountinfo", Self.procLine + "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n")
        let r = probe.observe(snapshot: s)
        #expect(r.devices["0000:00:02.0"]?.hostReason == "disk controller of vda, vda1 mounted at /")
        #expect(r.holders.map(\.id) == ["host:0000:00:02.0"])
        #expect(probe.mountCache.mountinfoReads == 2)
    }

    @Test func aDiskAddedUnderSysBlockBetweenPollsIsSeen() throws {
        let t = try B()
        defer { t.remove() }
        let s = try Self.virtio(t)
        // /srv is mounted from 254:16 before its disk shows under sys/block
        // (the table does not change between the polls).
        try t.write("proc/self/mountinfo", Self.procLine + "31 27 254:16 / /srv rw - xfs /dev/vdb rw\n")
        let probe = DeviceUseProbe(root: t.path)
        #expect(probe.observe(snapshot: s).devices["0000:00:03.0"]?.hostReason == nil)

        try t.disk("vdb", under: "pci0000:00/0000:00:03.0/virtio2/block", dev: "254:16")
        #expect(probe.observe(snapshot: s).devices["0000:00:03.0"]?.hostReason == "disk controller of vdb, mounted at /srv")
        #expect(probe.mountCache.mountinfoReads == 1)
    }

    @Test func aSwapAreaAddedBetweenPollsIsSeen() throws {
        let t = try B()
        defer { t.remove() }
        let s = try Self.virtio(t)
        try t.write("proc/self/mountinfo", Self.procLine)
        try t.write("proc/swaps", "Filename Type Size Used Priority\n")
        let probe = DeviceUseProbe(root: t.path)
        #expect(probe.observe(snapshot: s).devices["0000:00:02.0"]?.hostReason == nil)

        try t.write("proc/swaps", "Filename Type Size Used Priority\n/dev/vda1 partition 1048572 0 -2\n")
        #expect(probe.observe(snapshot: s).devices["0000:00:02.0"]?.hostReason == "disk controller of vda, vda1 is swap")
    }

    /// A disk that joins a mounted dm device changes no name under
    /// `sys/block` and no mount: the kept scan sees it at its refresh.
    @Test func aHolderAddedToAnExistingDiskIsSeenAtTheScansRefresh() throws {
        let t = try B()
        defer { t.remove() }
        let s = try Self.virtio(t)
        try t.disk("vdb", under: "pci0000:00/0000:00:03.0/virtio2/block", dev: "254:16")
        try t.mkdir("sys/devices/virtual/block/dm-0/dm")
        try t.write("sys/devices/virtual/block/dm-0/dev", "253:0\n")
        try t.write("sys/devices/virtual/block/dm-0/dm/name", "vg-home\n")
        try t.link("sys/block/dm-0", to: "../devices/virtual/block/dm-0")
        try t.write("proc/self/mountinfo", Self.procLine + "40 27 253:0 / /home rw - xfs /dev/mapper/vg-home rw\n")
        let kept = DeviceUseProbe(root: t.path, mountCache: MountTableCache(blockRefreshAfter: 3600))
        let eager = DeviceUseProbe(root: t.path, mountCache: MountTableCache(blockRefreshAfter: 0))
        #expect(kept.observe(snapshot: s).devices["0000:00:03.0"]?.hostReason == nil)
        #expect(eager.observe(snapshot: s).devices["0000:00:03.0"]?.hostReason == nil)

        try t.mkdir("sys/devices/pci0000:00/0000:00:03.0/virtio2/block/vdb/holders")
        try t.link("sys/devices/pci0000:00/0000:00:03.0/virtio2/block/vdb/holders/dm-0", to: "../../dm-0")
        let held = "disk controller of vdb, via dm-0 (vg-home) mounted at /home"
        #expect(eager.observe(snapshot: s).devices["0000:00:03.0"]?.hostReason == held)
        // Within the hour the kept scan is reused: the bound is the refresh.
        #expect(kept.observe(snapshot: s).devices["0000:00:03.0"]?.hostReason == nil)
    }

    /// The same table as a fresh read gives, by device and by source.
    static func sameTable(_ a: MountTable, _ b: MountTable) -> Bool {
        a.byDevice == b.byDevice && a.bySource == b.bySource && a.swaps == b.swaps && a.readable == b.readable
    }

    @Test func theLiveTableIsReadOnceWhileTheKernelSignalsNoChange() {
        let files = DeviceUseFiles(root: nil)
        let changes = ResultBox<Int>()
        changes.set(0)
        // The real poll, counting what it reports: a mount made by another
        // process during the test is a legitimate second read.
        let cache = MountTableCache(pollWatch: { fd in
            let signal = MountTableCache.pollOnce(fd)
            if signal != .unchanged { changes.set((changes.get() ?? 0) + 1) }
            return signal
        })
        var notes: [String] = []
        let first = cache.read(files, notes: &notes)
        let second = cache.read(files, notes: &notes)
        #expect(first.reread)
        #expect(second.reread == ((changes.get() ?? 0) > 0))
        #expect(cache.mountinfoReads == 1 + (changes.get() ?? 0))
        #expect(Self.sameTable(second.table, MountTable.read(files, notes: &notes)) || (changes.get() ?? 0) > 0)
    }

    @Test func aKernelChangeEventOrAFailedWatchRereadsTheLiveTable() {
        let files = DeviceUseFiles(root: nil)
        let next = ResultBox<[MountTableCache.Signal]>()
        next.set([.changed, .unchanged, .unknown, .unchanged])
        let cache = MountTableCache(pollWatch: { _ in
            var left = next.get() ?? []
            let signal = left.isEmpty ? .unknown : left.removeFirst()
            next.set(left)
            return signal
        })
        var notes: [String] = []
        #expect(cache.read(files, notes: &notes).reread)
        #expect(cache.read(files, notes: &notes).reread)  // .changed
        #expect(cache.mountinfoReads == 2)
        #expect(!cache.read(files, notes: &notes).reread)  // .unchanged
        #expect(cache.read(files, notes: &notes).reread)  // .unknown: the watch is dropped
        // Re-opened without a poll, then watched again.
        #expect(cache.read(files, notes: &notes).reread)
        #expect(!cache.read(files, notes: &notes).reread)  // .unchanged
        #expect(cache.mountinfoReads == 4)
        #expect(next.get()?.isEmpty == true)
    }

    /// A real mount in this process's namespace: the kernel's event on the
    /// kept descriptor makes the next read see it.
    @Test func aRealMountBetweenLiveReadsIsSeen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-mount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let files = DeviceUseFiles(root: nil)
        let cache = MountTableCache()
        var notes: [String] = []
        _ = cache.read(files, notes: &notes)
        let mounted = mount("restrack-test", dir.path, "tmpfs", 0, nil) == 0
        guard TestEnvironment.require(mounted, "root allowed to mount a tmpfs (mount(2))") else { return }
        defer { umount2(dir.path, 0) }
        let after = cache.read(files, notes: &notes)
        #expect(after.reread)
        #expect(after.table.bySource["restrack-test"]?.contains(dir.path) == true
            || after.table.bySource["restrack-test"]?.contains { $0.hasSuffix(dir.lastPathComponent) } == true)
        #expect(!cache.read(files, notes: &notes).reread || cache.mountinfoReads == 3)
    }
}
