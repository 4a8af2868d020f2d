import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HostProbes
import TrackerCore

/// A long-lived loader keeps each VF's `net/` listing and lists it again
/// only when the directory's identity, mtime or link count moved, or a
/// kept name's `flags` is gone; and it does not list `net/` of a VF that
/// no network driver is bound to. These tests change a captured SR-IOV
/// tree between polls of one loader and observer. sysfs may leave a
/// directory's mtime alone when an entry comes or goes, so the changes
/// below put `net/`'s mtime back: only the count or the names tell.
@Suite struct PCINetListingTests {
    private let vf = SRIOVTreeEdits.vf

    private struct Poller {
        let loader: SnapshotLoader
        let observer: HostObserver
        let vf: String

        init(_ tree: FixtureTree, vf: String) {
            loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: tree.root, pciIDsPath: FixtureTree.pciIDs))
            observer = HostObserver(root: tree.root, foreign: [], pciRecord: loader.pciRecord)
            self.vf = vf
        }

        /// The VF as the snapshot shows it, and its use.
        func poll() throws -> (device: PCIDevice?, use: DeviceUse?) {
            let snapshot = try loader.load()
            let use = observer.observe(snapshot: snapshot, claims: [], now: 0, deviceSpecConfigured: false).devices[vf]
            return (snapshot.device(vf), use)
        }
    }

    /// Runs `change` on entries of `dir`, then gives `dir` back the mtime
    /// it had, to the nanosecond.
    private func keepingMTime(_ dir: String, _ change: () throws -> Void) throws {
        var before = stat()
        #expect(stat(dir, &before) == 0)
        try change()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, dir, &times, 0) == 0)
        var after = stat()
        #expect(stat(dir, &after) == 0)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
    }

    private func addInterface(_ net: String, _ name: String, flags: String) throws {
        try FileManager.default.createDirectory(atPath: net + "/" + name, withIntermediateDirectories: true)
        try flags.write(toFile: net + "/" + name + "/flags", atomically: false, encoding: .utf8)
    }

    @Test func aVFReboundFromVFIOToANetDriverShowsItsNetdevOnTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let dir = SRIOVTreeEdits.vfDir(tree)
        // Given to a guest before the first poll: vfio-pci, no netdev.
        try SRIOVTreeEdits.rebind(dir, to: "vfio-pci")
        try FileManager.default.removeItem(atPath: dir + "/net")
        let poller = Poller(tree, vf: vf)
        for _ in 0..<3 {
            let given = try poller.poll()
            #expect(given.device?.driver == "vfio-pci")
            #expect(given.device?.netInterfaces == nil)
            #expect(given.use?.netdevUp == false)
        }

        // Back to the host: the driver link changes and net/ appears.
        try SRIOVTreeEdits.rebind(dir, to: "iavf")
        try addInterface(dir + "/net", "eth7", flags: "0x1003\n")
        let back = try poller.poll()
        #expect(back.device?.driver == "iavf")
        #expect(back.device?.netInterfaces == ["eth7"])
        #expect(back.use?.netdevUp == true)
        #expect(back.use?.hostReason == "network interface eth7 is up")
    }

    /// No network driver, no netdev (`PCIProbe.vfMayHaveNetdev`): a tree
    /// that still has `net/` under such a VF, which a real kernel never
    /// shows, shows that it is not listed, on a full scan and on a kept poll.
    @Test func aPassthroughOrUnboundVFsNetDirectoryIsNotListed() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        // The script leaves 0000:60:02.3 unbound with its net/ in place.
        #expect(try tree.snapshot().device("0000:60:02.3")?.netInterfaces == nil)
        try SRIOVTreeEdits.rebind(SRIOVTreeEdits.vfDir(tree), to: "vfio-pci")
        let poller = Poller(tree, vf: vf)
        for _ in 0..<3 {
            let snapshot = try poller.loader.load()
            #expect(snapshot.device(vf)?.driver == "vfio-pci")
            #expect(snapshot.device(vf)?.netInterfaces == nil)
            #expect(snapshot.device("0000:60:02.3")?.netInterfaces == nil)
            #expect(snapshot.device("0000:60:02.1")?.netInterfaces == ["enp96s0f0v1"])
        }
        #expect(try tree.snapshot().device(vf)?.netInterfaces == nil)
    }

    @Test func anInterfaceAddedUnderAKeptListingIsInTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let net = SRIOVTreeEdits.vfDir(tree) + "/net"
        try "0x1002\n".write(toFile: net + "/enp96s0f0v0/flags", atomically: false, encoding: .utf8)
        let poller = Poller(tree, vf: vf)
        for _ in 0..<3 {
            let kept = try poller.poll()
            #expect(kept.device?.netInterfaces == ["enp96s0f0v0"])
            #expect(kept.use?.netdevUp == false)
        }
        try keepingMTime(net) { try addInterface(net, "eth9", flags: "0x1003\n") }
        let added = try poller.poll()
        #expect(added.device?.netInterfaces == ["enp96s0f0v0", "eth9"])
        #expect(added.use?.netdevUp == true)
    }

    @Test func aRenamedInterfaceUnderAKeptListingIsReadAgain() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let net = SRIOVTreeEdits.vfDir(tree) + "/net"
        let poller = Poller(tree, vf: vf)
        for _ in 0..<3 { #expect(try poller.poll().device?.netInterfaces == ["enp96s0f0v0"]) }
        // Same count, same mtime: only the kept name's missing flags tell.
        try keepingMTime(net) {
            try FileManager.default.moveItem(atPath: net + "/enp96s0f0v0", toPath: net + "/eth7")
        }
        #expect(try poller.poll().device?.netInterfaces == ["eth7"])
        #expect(try poller.poll().device?.netInterfaces == ["eth7"])
    }

    @Test func anInterfaceRemovedUnderAKeptListingIsGoneFromTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let net = SRIOVTreeEdits.vfDir(tree) + "/net"
        try "0x1002\n".write(toFile: net + "/enp96s0f0v0/flags", atomically: false, encoding: .utf8)
        try addInterface(net, "eth9", flags: "0x1003\n")
        let poller = Poller(tree, vf: vf)
        for _ in 0..<3 {
            let kept = try poller.poll()
            #expect(kept.device?.netInterfaces == ["enp96s0f0v0", "eth9"])
            #expect(kept.use?.netdevUp == true)
        }
        try keepingMTime(net) { try FileManager.default.removeItem(atPath: net + "/eth9") }
        let removed = try poller.poll()
        #expect(removed.device?.netInterfaces == ["enp96s0f0v0"])
        #expect(removed.use?.netdevUp == false)
    }

    /// The listing is kept, the state is not: flags are read on every poll.
    @Test func flagsChangedUnderAKeptListingShowOnTheNextPoll() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let flags = SRIOVTreeEdits.vfDir(tree) + "/net/enp96s0f0v0/flags"
        try "0x1002\n".write(toFile: flags, atomically: false, encoding: .utf8)
        let poller = Poller(tree, vf: vf)
        for _ in 0..<3 { #expect(try poller.poll().use?.netdevUp == false) }
        try "0x1003\n".write(toFile: flags, atomically: false, encoding: .utf8)
        #expect(try poller.poll().use?.netdevUp == true)
        try "0x1002\n".write(toFile: flags, atomically: false, encoding: .utf8)
        #expect(try poller.poll().use?.netdevUp == false)
    }

    /// The byte parser of a VF's `flags` takes only the kernel's own form
    /// and agrees with the String parser on it; anything else is left to
    /// the String parser (nil here), never read differently.
    @Test func flagsInTheKernelsFormAreParsedFromBytesAsTheTextParserDoes() {
        func bytes(_ text: String) -> ArraySlice<UInt8> { ArraySlice(Array(text.utf8)) }
        #expect(PCIKeptRead.plainHex(bytes("0x1003\n")) == 0x1003)
        #expect(PCIKeptRead.plainHex(bytes("0X1002")) == 0x1002)
        #expect(PCIKeptRead.plainHex(bytes("0xfFfFfFfFfFfFfFf\n")) == 0xfff_ffff_ffff_ffff)
        for odd in ["", "\n", "0x", "0x\n", "1003\n", " 0x1003\n", "0x1003 \n", "0x1003\r\n", "0x1003\n\n", "0x-1",
                    "0x+1", "0x10g3\n", "0xffffffffffffffff\n", "0x7fffffffffffffff", "0x1003\0"] {
            #expect(PCIKeptRead.plainHex(bytes(odd)) == nil, "\(odd.debugDescription)")
        }
        for text in ["0x1003\n", "0x0\n", "0xABCDEF\n", "0x123456789abcdef\n"] {
            #expect(PCIKeptRead.plainHex(bytes(text)) == NetInterfaceScan.parseHex(text.trimmedSysfs))
        }
    }

    /// On sysfs a kept poll reads `flags` without the `fstat` the bounded
    /// reader makes (`PCIKeptRead.readFlags`): on the live `/sys` both reads
    /// give the same value, and a missing file reads as missing both ways.
    @Test func flagsOnSysfsReadDirectlyAsTheBoundedReaderReadsThem() throws {
        let dir = open("/sys/class/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try #require(dir >= 0, "/sys/class/net must be readable")
        defer { close(dir) }
        var buffer: [UInt8] = []
        let bounded = PCIKeptRead.readFlags(dir, "lo/flags", onSysfs: false, buffer: &buffer)
        let direct = PCIKeptRead.readFlags(dir, "lo/flags", onSysfs: true, buffer: &buffer)
        let text = try String(contentsOfFile: "/sys/class/net/lo/flags", encoding: .utf8)
        let expected = try #require(NetInterfaceScan.parseHex(text.trimmedSysfs))
        // The loopback interface: IFF_LOOPBACK, whatever else is set.
        #expect(expected & 0x8 != 0)
        #expect(bounded == .value(expected))
        #expect(direct == .value(expected))
        #expect(PCIKeptRead.readFlags(dir, "no-such-interface/flags", onSysfs: true, buffer: &buffer) == .missing)
        #expect(PCIKeptRead.readFlags(dir, "no-such-interface/flags", onSysfs: false, buffer: &buffer) == .missing)
    }
}
