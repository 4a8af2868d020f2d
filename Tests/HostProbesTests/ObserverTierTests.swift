import Foundation
import TestSupport
import Testing
@testable import HostProbes
import TrackerCore

/// The dashboard's display polls (`ObservationTier.display`) keep the host's
/// structure (task scan, cgroup leaves, device use, foreign owners) while no
/// change signal fires, and scan again as soon as one does, at the safety
/// interval of the caller's clock without one, and on every full poll.
@Suite struct ObserverTierTests {
    static let display = ObservationTier.display(rescanAfter: 10)
    static let snapshot = TaskRootFixture.snapshot(shared: [0, 1], dedicated: [2, 3, 4, 5, 6, 7])

    /// pid 100 pinned to dedicated CPU 3 (a holder), pid 200 free.
    func root() throws -> TaskRootFixture {
        let f = try TaskRootFixture(online: "0-7")
        try f.cgroup("/", effective: "0-7")
        try f.process(100, comm: "pinned", threads: [(100, "3")], cgroup: "/")
        try f.process(200, comm: "free", threads: [(200, "0-7")], cgroup: "/")
        return f
    }

    func observe(_ o: HostObserver, _ now: Double, _ tier: ObservationTier = display,
                 snapshot: HostSnapshot = snapshot) -> Observations {
        o.observe(snapshot: snapshot, claims: [], now: now, deviceSpecConfigured: false, tier: tier)
    }

    func pids(_ seen: Observations) -> [String] {
        seen.holders.map(\.id).filter { $0.hasPrefix("pid:") }
    }

    /// Rewrites a file where it is (same inode, directory untouched), as a
    /// kernel file changes: no directory stamp moves.
    static func rewriteInPlace(_ path: String, _ text: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path), "cannot open \(path)")
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
    }

    @Test func idleDisplayPollsKeepTheStructureAndFullPollsDoNot() throws {
        let f = try root()
        defer { f.remove() }
        let foreign = CallCounter()
        let o = HostObserver(root: f.root, foreign: [foreign.reader])
        let first = observe(o, 1, .full)
        #expect(pids(first) == ["pid:100"])
        for now in [2.0, 3, 4, 9.5] {
            #expect(pids(observe(o, now)) == ["pid:100"])
        }
        #expect(o.structuralScans == 1)
        #expect(foreign.count == 1)
        _ = observe(o, 9.6, .full)
        #expect(o.structuralScans == 2)
        #expect(foreign.count == 2)
    }

    /// A pin set on a task that already exists moves no signal: the display
    /// shows it once the safety interval has passed, a full poll at once.
    @Test func withoutASignalTheSafetyIntervalRescans() throws {
        let f = try root()
        defer { f.remove() }
        let o = HostObserver(root: f.root, foreign: [])
        _ = observe(o, 100)
        try Self.rewriteInPlace(f.root + "/proc/200/task/200/status",
                                TaskRootFixture.statusText(name: "free", pid: 200, tid: 200, allowed: "4"))
        #expect(pids(observe(o, 105)) == ["pid:100"])
        #expect(o.structuralScans == 1)
        #expect(pids(observe(o, 110)) == ["pid:100", "pid:200"])
        #expect(o.structuralScans == 2)
        // A clock set back is no reason to trust the kept scan.
        _ = observe(o, 50)
        #expect(o.structuralScans == 3)
        try Self.rewriteInPlace(f.root + "/proc/200/task/200/status",
                                TaskRootFixture.statusText(name: "free", pid: 200, tid: 200, allowed: "0-7"))
        #expect(pids(observe(o, 51, .full)) == ["pid:100"])
    }

    @Test func aNewProcessInACapturedRootIsSeenAtTheNextPoll() throws {
        let f = try root()
        defer { f.remove() }
        let o = HostObserver(root: f.root, foreign: [])
        _ = observe(o, 1)
        _ = observe(o, 2)
        #expect(o.structuralScans == 1)
        try f.process(300, comm: "new", threads: [(300, "5")], cgroup: "/")
        #expect(pids(observe(o, 3)) == ["pid:100", "pid:300"])
        // One more scan after a signal (what a new task does next moves no
        // signal), then the scan is kept again.
        _ = observe(o, 4)
        _ = observe(o, 5)
        #expect(o.structuralScans == 3)
    }

    /// A task created while the recheck of an earlier one is due: the
    /// recheck's scan was prompted by a signal too, so the poll after it
    /// scans once more and sees the new task pin itself, as it would had
    /// the task been the only one.
    @Test func aSignalMetByTheRecheckIsRecheckedToo() throws {
        let f = try root()
        defer { f.remove() }
        let o = HostObserver(root: f.root, foreign: [])
        _ = observe(o, 1)
        try f.process(300, comm: "first", threads: [(300, "0-7")], cgroup: "/")
        _ = observe(o, 2)  // signalled: scanned, recheck due
        try f.process(400, comm: "second", threads: [(400, "0-7")], cgroup: "/")
        _ = observe(o, 3)  // the recheck, signalled again: 400 not pinned yet
        #expect(o.structuralScans == 3)
        try Self.rewriteInPlace(f.root + "/proc/400/task/400/status",
                                TaskRootFixture.statusText(name: "second", pid: 400, tid: 400, allowed: "5"))
        #expect(pids(observe(o, 4)) == ["pid:100", "pid:400"])
        _ = observe(o, 5)
        #expect(o.structuralScans == 4, "kept again once nothing more moved")
    }

    /// A full poll (a preview) right after a signalled display scan sees
    /// the new task before it pins itself just as that scan did: the
    /// display poll after it still owes the recheck.
    @Test func aFullPollDoesNotTakeTheDisplaysRecheck() throws {
        let f = try root()
        defer { f.remove() }
        let o = HostObserver(root: f.root, foreign: [])
        _ = observe(o, 1)
        try f.process(300, comm: "new", threads: [(300, "0-7")], cgroup: "/")
        _ = observe(o, 2)  // signalled: scanned, recheck due
        #expect(pids(observe(o, 2.1, .full)) == ["pid:100"])
        try Self.rewriteInPlace(f.root + "/proc/300/task/300/status",
                                TaskRootFixture.statusText(name: "new", pid: 300, tid: 300, allowed: "5"))
        #expect(pids(observe(o, 3)) == ["pid:100", "pid:300"])
        _ = observe(o, 4)
        #expect(o.structuralScans == 4, "kept again after the recheck")
    }

    /// `--root DIR` whose `proc/` is the kernel's (a host's `/` mounted in
    /// a container): a new thread in a process that stays moves no
    /// directory stamp of `proc/`, only `loadavg`'s last pid, which must
    /// then be read under the root as on the live host.
    @Test func theLastPidIsASignalUnderARootToo() throws {
        let f = try root()
        defer { f.remove() }
        try f.write("proc/loadavg", "0.00 0.00 0.00 1/120 200\n")
        let o = HostObserver(root: f.root, foreign: [])
        _ = observe(o, 1)
        _ = observe(o, 2)
        #expect(o.structuralScans == 1)
        try f.write("proc/200/task/201/status", TaskRootFixture.statusText(name: "free", pid: 200, tid: 201, allowed: "4"))
        try Self.rewriteInPlace(f.root + "/proc/loadavg", "0.00 0.00 0.00 1/121 201\n")
        let seen = observe(o, 3)
        #expect(o.structuralScans == 2)
        #expect(seen.holders.contains { $0.cpus.contains(4) }, "\(seen.holders.map(\.id))")
    }

    @Test func aChangedSnapshotRescans() throws {
        let f = try root()
        defer { f.remove() }
        let o = HostObserver(root: f.root, foreign: [])
        _ = observe(o, 1)
        let wider = TaskRootFixture.snapshot(shared: [0], dedicated: [1, 2, 3, 4, 5, 6, 7])
        _ = observe(o, 2, snapshot: wider)
        #expect(o.structuralScans == 2)
    }

    @Test func aRewrittenKubeletCheckpointRescans() throws {
        let f = try root()
        defer { f.remove() }
        try f.write("var/lib/kubelet/cpu_manager_state", "{}")
        try f.write("var/lib/kubelet/memory_manager_state", "{}")
        try f.write("var/lib/kubelet/device-plugins/kubelet_internal_checkpoint", "{}")
        let foreign = CallCounter()
        let o = HostObserver(root: f.root, foreign: [foreign.reader])
        _ = observe(o, 1)
        _ = observe(o, 2)
        #expect(foreign.count == 1)
        for (i, file) in ["cpu_manager_state", "memory_manager_state", "device-plugins/kubelet_internal_checkpoint"].enumerated() {
            try Self.rewriteInPlace(f.root + "/var/lib/kubelet/" + file, "{\"checksum\": \(i)}")
            _ = observe(o, 3 + 3 * Double(i))
            #expect(foreign.count == 2 + 2 * i, "\(file)")
            _ = observe(o, 4 + 3 * Double(i))  // the recheck after a signal
            _ = observe(o, 5 + 3 * Double(i))
            #expect(foreign.count == 3 + 2 * i, "\(file)")
        }
    }

    @Test func aPodCgroupRemovedRescans() throws {
        let f = try root()
        defer { f.remove() }
        let pods = "/kubepods.slice/kubepods-burstable.slice"
        try f.cgroup("/kubepods.slice", effective: "0-7")
        try f.cgroup(pods, effective: "0-7")
        try f.cgroup(pods + "/kubepods-burstable-poda.slice", effective: "0-7")
        try f.cgroup("/machine.slice", effective: "0-7")
        let foreign = CallCounter()
        let o = HostObserver(root: f.root, foreign: [foreign.reader])
        _ = observe(o, 1)
        _ = observe(o, 2)
        #expect(foreign.count == 1)
        try FileManager.default.removeItem(atPath: f.root + "/sys/fs/cgroup" + pods + "/kubepods-burstable-poda.slice")
        _ = observe(o, 3)
        #expect(foreign.count == 2)
        _ = observe(o, 4)
        _ = observe(o, 5)
        try f.mkdir("sys/fs/cgroup/machine.slice/machine-qemu\\x2d1\\x2dvm.scope")
        _ = observe(o, 6)
        #expect(foreign.count == 4)
    }

    /// libvirt writes a domain's status XML by rename when it starts: the
    /// domain shows as running at the next display poll.
    @Test func aLibvirtStatusWrittenByRenameIsSeenAtTheNextPoll() throws {
        let root = try LibvirtTestRoot()
        defer { root.remove() }
        try root.copy("nova-isolate.xml", to: "etc/libvirt/qemu/instance-00000101.xml")
        try root.mkdir("run/libvirt/qemu")
        try root.process(4100, allowed: "12", threads: [(4106, "10"), (4107, "26"), (4108, "11"), (4109, "27")])
        try root.write("proc/4100/stat", TaskRootFixture.statLine(pid: 4100, comm: "qemu-system-x86"))
        try root.write("proc/4100/cgroup", "0::\(ObserverPollChangeTests.scope)/libvirt/emulator\n")
        let o = HostObserver(root: root.root)
        func domain(_ now: Double) -> Holder? {
            o.observe(snapshot: LibvirtTestRoot.snapshot, claims: [], now: now, deviceSpecConfigured: false, tier: Self.display)
                .holders.first { $0.kind == .libvirt }
        }
        #expect(domain(1)?.foreign?.state != .running)
        #expect(domain(2)?.foreign?.state != .running)
        #expect(o.structuralScans == 1)
        // Written aside (libvirt's temporary lives elsewhere), then renamed in.
        let aside = root.root + "/status.tmp"
        try LibvirtTestRoot.fixture("status-isolate.xml").write(to: URL(fileURLWithPath: aside))
        #expect(rename(aside, root.root + "/run/libvirt/qemu/instance-00000101.xml") == 0)
        #expect(domain(3)?.foreign?.state == .running)
    }

    /// On the live host a new task moves `/proc/loadavg`'s last pid: the
    /// next display poll scans again and sees the new pinned process.
    @Test func aNewProcessOnTheLiveHostRescans() throws {
        let online = (try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8))
            .flatMap { try? CPUSet(cpulist: $0) } ?? []
        guard TestEnvironment.require(online.contains(0) && online.contains(1), "CPUs 0 and 1 online") else { return }
        let tasksetPath = TestEnvironment.executable(named: "taskset")
        guard TestEnvironment.require(tasksetPath != nil, "taskset (util-linux)"), let taskset = tasksetPath else { return }
        let live = TaskRootFixture.snapshot(shared: [0], dedicated: [1])
        let foreign = CallCounter()
        let o = HostObserver(root: nil, foreign: [foreign.reader])
        _ = observe(o, 1, .full, snapshot: live)
        var error = ""
        let child = try #require(BackgroundChild(taskset, ["-c", "1", "sleep", "30"], error: &error), "\(error)")
        defer { child.kill() }
        let pid = child.pid
        // taskset sets the affinity, then execs sleep under the same pid.
        #expect(child.waitForComm("sleep"), "the child never became sleep: \(child.comm ?? "gone")")
        let seen = observe(o, 2, snapshot: live)
        #expect(foreign.count == 2)
        #expect(seen.holders.first { $0.pid == pid }?.cpus == [1])
    }

    @Test func loadavgLastPid() {
        #expect(ChangeSignals.lastPidField(ArraySlice("0.10 0.20 0.30 1/126 15210\n".utf8)) == 15210)
        // Only the last pid: the running and total counts move by themselves.
        #expect(ChangeSignals.lastPidField(ArraySlice("0.50 0.20 0.30 7/140 15210\n".utf8)) == 15210)
        #expect(ChangeSignals.lastPidField(ArraySlice("garbled\n".utf8)) == -2)
    }

    /// A process that ends moves `/proc`'s link count (the number of
    /// processes) on the live host: the next display poll scans again.
    @Test func aProcessEndingOnTheLiveHostRescans() throws {
        var error = ""
        let sleeper = try #require(BackgroundChild("/bin/sleep", ["30"], error: &error), "\(error)")
        defer { sleeper.kill() }
        let live = TaskRootFixture.snapshot(shared: [0], dedicated: [1])
        let foreign = CallCounter()
        let o = HostObserver(root: nil, foreign: [foreign.reader])
        _ = observe(o, 1, .full, snapshot: live)
        sleeper.kill()
        _ = observe(o, 2, snapshot: live)
        #expect(foreign.count == 2)
    }
}
