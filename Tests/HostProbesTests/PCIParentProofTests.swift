import Foundation
#if canImport(Glibc)
import Glibc
#endif
import CPCI
import Testing
@testable import HostProbes
import TrackerCore

/// A kept PCI poll proves its devices' directories per parent directory
/// (`PCIParentCheck`): by the parent's stamp on a disk-like filesystem, by
/// the parent's listing (kernfs ids as `d_ino`) on sysfs, and by a `stat`
/// of each directory otherwise or when the proof fails. These tests poll a
/// captured SR-IOV tree through one `PCIFactCache`, with the proof forced
/// where the tree's own filesystem would choose another.
@Suite struct PCIParentProofTests {
    private let vf = SRIOVTreeEdits.vf

    private func poll(_ tree: FixtureTree, _ cache: PCIFactCache) -> [PCIDevice] {
        var warnings = ProbeWarnings()
        return PCIProbe.probe(SysfsReader(root: tree.root), idsPath: FixtureTree.pciIDs, warnings: &warnings,
                              cache: cache)
    }

    /// A stamp taken within `racyNanoseconds` of the parent's last change
    /// proves nothing yet; a kept poll that far later re-takes it after
    /// proving each device by its own stat, and the polls after that stat
    /// no device directory. Returns the devices of that last poll.
    private func settle(_ tree: FixtureTree, _ cache: PCIFactCache) throws -> [PCIDevice] {
        let full = poll(tree, cache)
        #expect(cache.lastProofs().map { $0.stamp + $0.listing + $0.ownStat } == 0)
        Thread.sleep(forTimeInterval: Double(PCIKeptParent.racyNanoseconds) / 1e9 + 0.2)
        #expect(poll(tree, cache) == full)
        #expect(cache.lastProofs()?.stamp == 0)
        let kept = poll(tree, cache)
        #expect(kept == full)
        return kept
    }

    /// Renames `dir` aside, copies it back under its name with `device`
    /// written into the copy (a hot-unplug and replug of another function at
    /// the same address: a new directory), then puts the parent's mtime back
    /// to the nanosecond. The parent lists the same names, so only its
    /// change time tells.
    private func replace(_ dir: String, device: String) throws {
        let parent = (dir as NSString).deletingLastPathComponent
        var before = stat()
        #expect(stat(parent, &before) == 0)
        try FileManager.default.moveItem(atPath: dir, toPath: dir + ".old")
        try FileManager.default.copyItem(atPath: dir + ".old", toPath: dir)
        try FileManager.default.removeItem(atPath: dir + ".old")
        try device.write(toFile: dir + "/device", atomically: false, encoding: .utf8)
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, parent, &times, 0) == 0)
        var after = stat()
        #expect(stat(parent, &after) == 0)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        #expect(after.st_size == before.st_size && after.st_nlink == before.st_nlink)
    }

    @Test func aKeptPollUnderSettledParentStampsStatsNoDeviceDirectory() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .stamp)
        let devices = try settle(tree, cache)
        let proofs = try #require(cache.lastProofs())
        #expect(proofs.stamp == devices.count)
        #expect(proofs.ownStat == 0 && proofs.listing == 0)
        #expect(devices.first { $0.address == vf }?.productID == "37cd")
    }

    /// The case a stamp without the change time would miss.
    @Test func aDeviceDirectoryReplacedUnderAParentWithItsMTimePutBackIsReadAgain() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .stamp)
        _ = try settle(tree, cache)
        try replace(SRIOVTreeEdits.vfDir(tree), device: "0x1572\n")
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "1572")
    }

    /// A fact file renamed over inside a device directory (`rsync`
    /// refreshing a capture) moves that directory's ctime, not its
    /// parent's: once `restatAfter` has passed since the devices were last
    /// stat'ed, each is stat'ed again and the changed one read in full.
    @Test func aFactFileRenamedOverInsideADeviceDirectoryIsReadAgainOnceTheStampIsDue() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .stamp, restatAfter: 1)
        let settled = try settle(tree, cache)
        #expect(cache.lastProofs()?.stamp == settled.count)
        let dir = SRIOVTreeEdits.vfDir(tree)
        try "0x1572\n".write(toFile: dir + "/.device.tmp", atomically: false, encoding: .utf8)
        #expect(rename(dir + "/.device.tmp", dir + "/device") == 0)
        Thread.sleep(forTimeInterval: 1.2)
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "1572")
    }

    /// A stamp older than `restatAfter` proves nothing by itself: the poll
    /// stats each device, then the fresh stamp stands again.
    @Test func aStampIsTakenAgainByEachDevicesStatOnceDue() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .stamp, restatAfter: 1)
        let settled = try settle(tree, cache)
        Thread.sleep(forTimeInterval: 1.2)
        #expect(poll(tree, cache) == settled)
        #expect(cache.lastProofs()?.stamp == 0)
        #expect(cache.lastProofs()?.ownStat == settled.count)
        #expect(poll(tree, cache) == settled)
        #expect(cache.lastProofs()?.stamp == settled.count)
    }

    /// An entry added beside the devices moves the stamp: the devices are
    /// each stat'ed (they match, so the poll is still kept), and the stamp
    /// is taken again.
    @Test func aParentStampThatMovedFallsBackToEachDevicesOwnStat() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .stamp)
        let settled = try settle(tree, cache)
        let parent = (SRIOVTreeEdits.vfDir(tree) as NSString).deletingLastPathComponent
        #expect(FileManager.default.createFile(atPath: parent + "/unrelated", contents: Data()))
        #expect(poll(tree, cache) == settled)
        let proofs = try #require(cache.lastProofs())
        #expect(proofs.ownStat > 0)
        #expect(proofs.stamp + proofs.ownStat == settled.count)
    }

    @Test func aKeptPollProvedByParentListingsStatsNoDeviceDirectory() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .listing)
        let full = poll(tree, cache)
        #expect(poll(tree, cache) == full)
        let proofs = try #require(cache.lastProofs())
        #expect(proofs.listing == full.count)
        #expect(proofs.stamp == 0 && proofs.ownStat == 0)
    }

    /// As sysfs makes a device added again: a new directory (a new inode)
    /// under the same name, whatever its parent's times say.
    @Test func aDeviceDirectoryReplacedUnderAListedParentIsReadAgain() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let cache = PCIFactCache(forcing: .listing)
        _ = poll(tree, cache)
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "37cd")
        try replace(SRIOVTreeEdits.vfDir(tree), device: "0x1572\n")
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "1572")
        // Moved away (sysfs's device_move): the name is gone from the parent.
        let dir = SRIOVTreeEdits.vfDir(tree)
        _ = poll(tree, cache)
        try FileManager.default.moveItem(atPath: dir, toPath: tree.root + "/sys/devices/moved")
        try FileManager.default.createSymbolicLink(atPath: dir, withDestinationPath: "../../../../moved")
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "1572")
        #expect(cache.lastProofs().map { $0.stamp + $0.listing + $0.ownStat } == 0)
    }

    @Test func aStampIsTrustedOnlyWhenTakenWellAfterItsChangeTime() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let stamp = try #require(FileStamp(path: tree.root))
        let changed = stamp.changeSeconds * 1_000_000_000 + stamp.changeNanoseconds
        let racy = PCIKeptParent.racyNanoseconds
        #expect(!PCIKeptParent(path: "", stamp: stamp, takenAt: changed).isTrusted)
        #expect(!PCIKeptParent(path: "", stamp: stamp, takenAt: changed + racy).isTrusted)
        #expect(PCIKeptParent(path: "", stamp: stamp, takenAt: changed + racy + 1).isTrusted)
        #expect(!PCIKeptParent(path: "", stamp: nil, takenAt: changed + 2 * racy).isTrusted)
    }

    /// The proof each filesystem gets: sysfs (the live `/sys` here) is
    /// listed; tmpfs, ext2/3/4, xfs and btrfs are stamped; anything else is
    /// stat'ed per device.
    @Test func theProofFollowsTheFilesystem() throws {
        let fd = open("/sys/bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(fd >= 0, "/sys/bus/pci/devices must be readable")
        defer { close(fd) }
        #expect(PCIParentCheck.of(filesystem: Int(rs_fs_type(fd))) == .listing)
        let shm = open("/dev/shm", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(shm >= 0, "/dev/shm (tmpfs) must exist")
        defer { close(shm) }
        #expect(PCIParentCheck.of(filesystem: Int(rs_fs_type(shm))) == .stamp)
        for ext4XfsBtrfs in [0xEF53, 0x5846_5342, 0x9123_683E] {
            #expect(PCIParentCheck.of(filesystem: ext4XfsBtrfs) == .stamp)
        }
        // overlayfs, NFS, FUSE.
        for other in [0x794C_7630, 0x6969, 0x6573_5546] { #expect(PCIParentCheck.of(filesystem: other) == .ownStat) }
    }

    /// On the live sysfs a kept poll proves every device under a parent by
    /// the parent's listing: readdir gives each directory's kernfs id as
    /// `d_ino`, the very inode a `stat` gave when the facts were read.
    @Test func aKeptPollOnTheLiveSysfsIsProvedByParentListings() throws {
        let cache = PCIFactCache()
        var warnings = ProbeWarnings()
        let reader = SysfsReader(root: nil)
        let full = PCIProbe.probe(reader, idsPath: nil, warnings: &warnings, cache: cache)
        let kept = PCIProbe.probe(reader, idsPath: nil, warnings: &warnings, cache: cache)
        #expect(kept.map(\.address) == full.map(\.address))
        // A host without PCI devices has nothing to prove.
        guard !full.isEmpty else { return }
        let proofs = try #require(cache.lastProofs(), "the second poll must be a kept one: \(warnings.sentences)")
        #expect(proofs.listing > 0)
        #expect(proofs.stamp == 0)
        #expect(proofs.listing + proofs.ownStat == full.count)
    }

    /// Proved after the reads: a directory replaced while the poll reads
    /// the tree is not served with the facts kept for the old one, under
    /// either proof.
    @Test(arguments: [PCIParentCheck.stamp, .listing])
    func aDeviceDirectoryReplacedDuringTheReadsIsReadAgain(check: PCIParentCheck) throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let change = ArmedChange()
        let cache = PCIFactCache(forcing: check, afterReads: change.run)
        _ = check == .stamp ? try settle(tree, cache) : poll(tree, cache)
        change.arm { try replace(SRIOVTreeEdits.vfDir(tree), device: "0x1572\n") }
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "1572")
        #expect(try change.didRun())
    }

    /// The directory holding the devices moved away during the reads and a
    /// copy put in its place: the devices read through the old one match
    /// their kept identities (moving a directory leaves its children
    /// alone), but its path now names another directory.
    @Test(arguments: [PCIParentCheck.stamp, .listing])
    func aParentDirectoryMovedAwayDuringTheReadsIsNotProvedByItself(check: PCIParentCheck) throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let change = ArmedChange()
        let cache = PCIFactCache(forcing: check, afterReads: change.run)
        _ = check == .stamp ? try settle(tree, cache) : poll(tree, cache)
        let parent = (SRIOVTreeEdits.vfDir(tree) as NSString).deletingLastPathComponent
        change.arm {
            try FileManager.default.moveItem(atPath: parent, toPath: parent + ".old")
            try FileManager.default.copyItem(atPath: parent + ".old", toPath: parent)
            try "0x1572\n".write(toFile: SRIOVTreeEdits.vfDir(tree) + "/device", atomically: false, encoding: .utf8)
        }
        #expect(poll(tree, cache).first { $0.address == vf }?.productID == "1572")
        #expect(try change.didRun())
    }
}
