import Foundation
import TestSupport
import Testing
@testable import HostProbes
import TrackerCore

/// A kept VFIO scan passes over a captured process without fd/ while the
/// inotify watch on its directory reports nothing, and over a live process
/// whose fd/ counts no descriptors. These tests change the tree (or a live
/// process) between two polls of one kept scan and check the next poll
/// sees it, long before the cache's refresh.
@Suite struct VFIOScanWatchTests {
    typealias B = DeviceRootBuilder

    /// One device on vfio-pci in group 45, and a process 7000 without fd/.
    private func tree() throws -> (B, HostSnapshot) {
        let t = try B()
        try t.device("pci0000:3a/0000:3a:00.0/0000:3b:02.3", classCode: "0x020000", driver: "vfio-pci", group: 45)
        try t.process(1, comm: "systemd", fds: [0: "/dev/null"])
        try t.write("proc/7000/comm", "dpdk-testpmd\n")
        return (t, B.snapshot([B.pci("0000:3b:02.3", classCode: "0200")]))
    }

    private let dpdk = ProcessRef(pid: 7000, comm: "dpdk-testpmd")

    private func users(_ probe: DeviceUseProbe, _ s: HostSnapshot) -> [ProcessRef]? {
        probe.observe(snapshot: s).devices["0000:3b:02.3"]?.vfioUsers
    }

    /// A kept probe (refresh far off) that has polled `t` twice and seen
    /// no holder: the second poll passes over 7000 on its watch.
    private func settledProbe(_ t: B, _ s: HostSnapshot) -> DeviceUseProbe {
        let probe = DeviceUseProbe(root: t.path, vfioCache: VFIOScanCache(refreshAfter: 3600))
        #expect(users(probe, s) == [])
        #expect(users(probe, s) == [])
        return probe
    }

    /// An fd/ filled elsewhere and renamed into the process directory
    /// (`IN_MOVED_TO`, not `IN_CREATE`) is read on the next poll.
    @Test func anFDDirectoryMovedIntoAProcessIsReadOnTheNextPoll() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        let probe = settledProbe(t, s)
        try t.mkdir("staging/fd")
        try t.link("staging/fd/5", to: "/dev/vfio/45")
        #expect(rename(t.path + "/staging/fd", t.path + "/proc/7000/fd") == 0)
        #expect(users(probe, s) == [dpdk])
    }

    /// A whole `proc` swapped for another with the same pids (the watched
    /// directories are then the old ones, which report nothing): every
    /// process is looked at again on the next poll.
    @Test func aProcReplacedWithTheSamePidsIsLookedAtAgain() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        let probe = settledProbe(t, s)
        try t.mkdir("next/proc/1")
        try t.write("next/proc/1/comm", "systemd\n")
        try t.mkdir("next/proc/7000/fd")
        try t.write("next/proc/7000/comm", "dpdk-testpmd\n")
        try t.link("next/proc/7000/fd/5", to: "/dev/vfio/45")
        #expect(rename(t.path + "/proc", t.path + "/old-proc") == 0)
        #expect(rename(t.path + "/next/proc", t.path + "/proc") == 0)
        #expect(users(probe, s) == [dpdk])
    }

    /// The process directory removed and made again with fd/ (its pid
    /// reused): the old watch reports the removal, the new directory is
    /// read.
    @Test func aProcessDirectoryMadeAgainWithFDsIsReadOnTheNextPoll() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        let probe = settledProbe(t, s)
        try FileManager.default.removeItem(atPath: t.path + "/proc/7000")
        try t.process(7000, comm: "dpdk-testpmd", fds: [5: "/dev/vfio/45"])
        #expect(users(probe, s) == [dpdk])
        #expect(users(probe, s) == [dpdk])
    }

    /// A `proc` that stops being kept (a `self` link appears, as procfs
    /// has) drops its watches: the processes they stood for are looked at
    /// on the next poll, not trusted as unchanged with nothing watching.
    @Test func aProcessWatchedBeforeProcStopsBeingKeptIsReadOnTheNextPoll() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        let probe = settledProbe(t, s)
        try t.link("proc/self", to: "1")
        #expect(users(probe, s) == [])
        try t.mkdir("proc/7000/fd")
        try t.link("proc/7000/fd/5", to: "/dev/vfio/45")
        #expect(users(probe, s) == [dpdk])
    }

    /// inotify watches count against a per-user limit that every other
    /// program of the user shares: a cache makes no more than its limit,
    /// and a process past it is still seen, through its directory's
    /// identity, on the poll after an fd/ is made in it.
    @Test func watchesStopAtTheLimitAndAnUnwatchedProcessIsStillSeen() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        try t.write("proc/7001/comm", "idle\n")
        try t.write("proc/7002/comm", "idle\n")
        let cache = VFIOScanCache(refreshAfter: 3600, watchLimit: 1)
        let probe = DeviceUseProbe(root: t.path, vfioCache: cache)
        #expect(users(probe, s) == [])
        #expect(users(probe, s) == [])
        #expect(cache.watchCount == 1)
        try t.mkdir("proc/7000/fd")
        try t.link("proc/7000/fd/5", to: "/dev/vfio/45")
        #expect(users(probe, s) == [dpdk])
        #expect(cache.watchCount <= 1)
    }

    /// By default a quarter of the host's per-user watch limit.
    @Test func theDefaultWatchLimitLeavesMostOfTheUsersWatches() throws {
        let text = try String(contentsOfFile: "/proc/sys/fs/inotify/max_user_watches", encoding: .utf8)
        let total = try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(VFIODirWatch.defaultLimit() == total / 4)
    }

    /// A process entry that is a link (a hand-made tree sharing process
    /// directories) pointed at another directory, one with fd/: its own
    /// directory's watch would see nothing, the link replaced is seen.
    @Test func aProcessLinkPointedElsewhereIsReadOnTheNextPoll() throws {
        let (t, s) = try tree()
        defer { t.remove() }
        try FileManager.default.removeItem(atPath: t.path + "/proc/7000")
        try t.write("store/a/comm", "dpdk-testpmd\n")
        try t.write("store/b/comm", "dpdk-testpmd\n")
        try t.link("store/b/fd/5", to: "/dev/vfio/45")
        try t.link("proc/7000", to: "../store/a")
        let probe = settledProbe(t, s)
        try t.link("proc/7000.new", to: "../store/b")
        #expect(rename(t.path + "/proc/7000.new", t.path + "/proc/7000") == 0)
        #expect(users(probe, s) == [dpdk])
    }

    /// The watch itself: a directory made in a watched one, and the
    /// watched one removed, are each reported once, for its process.
    @Test func theWatchReportsEntriesMadeAndItsDirectoryRemoved() throws {
        let t = try B()
        defer { t.remove() }
        try t.mkdir("proc/7000")
        try t.mkdir("proc/7001")
        var st = stat()
        #expect(stat(t.path + "/proc", &st) == 0)
        let watch = try #require(VFIODirWatch(proc: st))
        #expect(watch.isUnder(st))
        #expect(watch.add(t.path + "/proc/7000", pid: 7000))
        #expect(watch.add(t.path + "/proc/7001", pid: 7001))
        #expect(watch.changed() == [])
        try t.mkdir("proc/7000/fd")
        #expect(watch.changed() == [7000])
        #expect(watch.changed() == [])
        try FileManager.default.removeItem(atPath: t.path + "/proc/7001")
        #expect(Set(watch.changed() ?? []) == [7001])
        #expect(watch.count == 1)
        #expect(!watch.add(t.path + "/proc/7001", pid: 7001))
    }

    /// On a kernel that counts descriptors in fd/'s size, a live process
    /// with none (a kernel thread, or this child once it closed its three)
    /// is not listed; once it opens one, the next poll lists it.
    @Test func aLiveProcessWithoutDescriptorsIsListedOnThePollAfterItOpensOne() throws {
        let files = DeviceUseFiles(root: nil)
        let counts = (files.size(Array("proc/self/fd".utf8)) ?? 0) > 0
        guard TestEnvironment.require(counts, "Linux >= 6.2 (/proc/PID/fd sizes count descriptors)") else { return }
        let flag = FileManager.default.temporaryDirectory.appendingPathComponent("vfio-open-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: flag) }
        let bashPath = TestEnvironment.executable(named: "bash")
        guard TestEnvironment.require(bashPath != nil, "bash"), let bash = bashPath else { return }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: bash)
        // Closes every descriptor it has (the test runner's leak in too),
        // waits for the flag, then opens one.
        child.arguments = ["-c", "for f in /proc/$$/fd/*; do eval \"exec ${f##*/}>&-\"; done; "
                           + "while [ ! -e '\(flag.path)' ]; do sleep 0.02; done; exec 5</dev/null; sleep 30"]
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }
        let pid = child.processIdentifier
        let fdDir = Array("proc/\(pid)/fd".utf8)
        func waitFor(_ count: Int) -> Bool {
            for _ in 0..<250 {
                if files.size(fdDir) == count { return true }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return false
        }
        #expect(waitFor(0))
        let cache = VFIOScanCache(refreshAfter: 3600)
        let first = VFIOUserScan.scan(files, cache: cache)
        #expect(!first.listedPids.contains(pid))
        // kthreadd, a kernel thread: no descriptors.
        #expect(!first.listedPids.contains(2))
        #expect(!VFIOUserScan.scan(files, cache: cache).listedPids.contains(pid))
        #expect(FileManager.default.createFile(atPath: flag.path, contents: nil))
        #expect(waitFor(1))
        #expect(VFIOUserScan.scan(files, cache: cache).listedPids.contains(pid))
    }
}
