import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// What the task scanner does with what it cannot read: other users'
/// tasks, garbage, special files, vanished tasks, too many tasks.
@Suite struct TaskScannerBadInputTests {
    static let snapshot = TaskScannerFixtureTests.snapshot

    /// Root reads every `/proc/PID` whatever its mode, so another user's
    /// task is simulated with a reader that fails chosen paths with EACCES,
    /// as the kernel does for a non-root reader (`ptrace_may_access`).
    @Test func otherUsersTasksAreOneNotVisibleLineNeverFree() throws {
        let f = try TaskScannerFixtureTests.host()
        defer { f.remove() }
        try f.process(600, comm: "secret", threads: [(600, "4")], cgroup: "/")
        try f.process(601, comm: "secret2", threads: [(601, "5")], cgroup: "/")
        try f.process(602, comm: "secret3", threads: [(602, "6")], cgroup: "/")
        let denied: @Sendable (String) -> Int32? = { path in
            switch path {
            case "proc/600/task": return EACCES                 // the whole task list
            case "proc/601/task/601/status": return EACCES      // one thread's status
            case "proc/602/stat": return EPERM                  // narrowed, but stat refused
            default: return nil
            }
        }
        let scan = TaskScanner(root: f.root, fault: denied).scan(snapshot: Self.snapshot)
        let pids = scan.holders.compactMap(\.pid)
        #expect(!pids.contains(600) && !pids.contains(601) && !pids.contains(602))
        // The other holders are unaffected.
        #expect(scan.holders.map(\.id) == TaskScannerFixtureTests.expectedHolders().map(\.id))
        #expect(scan.notVisible.count == 1, "\(scan.notVisible)")
        let line = scan.notVisible.first ?? ""
        #expect(line.hasPrefix("3 tasks of other users not visible"), "\(line)")
        #expect(line.contains("/proc/600/task"), "\(line)")
        #expect(line.contains("`check` fails until every task can be seen"), "\(line)")
        #expect(line.hasSuffix("run restrack as root to see them."), "\(line)")
        // Other users' tasks hide who pins CPUs: a blind spot `check` fails on.
        #expect(scan.blindSpots == scan.notVisible)
    }

    /// Garbage in status, stat or cgroup, and a FIFO where status should be:
    /// each task skipped, one line for all, the scan finishes (a blocking
    /// open of the FIFO would hang here).
    @Test func garbageAndSpecialFilesSkipTheTaskWithOneLine() async throws {
        let f = try TaskScannerFixtureTests.host()
        defer { f.remove() }
        try f.process(700, comm: "bad-status", threads: [(700, "2")], cgroup: "/")
        try f.write("proc/700/task/700/status", "Name:\tx\nCpus_allowed_list:\tbanana\n")
        try f.process(701, comm: "bad-stat", threads: [(701, "2")], cgroup: "/")
        try f.write("proc/701/stat", "701 no parentheses S 1\n")
        try f.process(702, comm: "bad-cgroup", threads: [(702, "2")], cgroup: "/")
        try f.write("proc/702/cgroup", "0::relative/path\n")
        try f.process(703, comm: "binary", threads: [(703, "2")], cgroup: "/")
        try f.write("proc/703/task/703/status", Data([0xFF, 0x00, 0x1B, 0x0A, 0xC3]))
        try f.mkdir("proc/800/task/800")
        try f.write("proc/800/stat", TaskRootFixture.statLine(pid: 800, comm: "fifo"))
        try f.fifo("proc/800/task/800/status")
        // Not narrowed: its garbage cgroup file is never opened, so no line.
        try f.process(704, comm: "free", threads: [(704, "0-7")], cgroup: "/")
        try f.write("proc/704/cgroup", "garbage")

        let done = Locked(false)
        let root = f.root
        let scan = try #require(await withTimeout(seconds: 60, done: done) {
            TaskScanner(root: root).scan(snapshot: Self.snapshot)
        })
        #expect(scan.holders.map(\.id) == TaskScannerFixtureTests.expectedHolders().map(\.id))
        #expect(scan.notVisible.count == 1, "\(scan.notVisible)")
        let line = scan.notVisible.first ?? ""
        #expect(line.hasPrefix("5 tasks skipped"), "\(line)")
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 }, "\(line)")
    }

    @Test func aGarbledCgroupCpusetFallsBackToItsAncestor() throws {
        let f = try TaskScannerFixtureTests.host()
        defer { f.remove() }
        // The pinned container's own set is garbage: judged by its parent's
        // 0-7 it is not narrowed, so no cgroup holder; said in one line.
        try f.write("sys/fs/cgroup" + TaskScannerFixtureTests.pod + "/cpuset.cpus.effective", "7-banana\n")
        let scan = TaskScanner(root: f.root).scan(snapshot: Self.snapshot)
        #expect(scan.notVisible.count == 1, "\(scan.notVisible)")
        #expect(scan.notVisible.first?.contains("cpuset.cpus.effective") == true)
        // nginx's affinity (7) is now narrower than what its cgroup's
        // ancestor offers, so the process itself is the holder: never free.
        #expect(scan.holders.first { $0.pid == 400 }?.cpus == [7])
    }

    /// Past the limit the scan stops and says how many processes it did
    /// not look at; what it found up to there stands.
    @Test func taskLimitBoundsTheScan() throws {
        let f = try TaskRootFixture(online: "0-7")
        defer { f.remove() }
        for pid in Int32(10)..<Int32(30) {
            try f.process(pid, comm: "p\(pid)", threads: [(pid, "2")], cgroup: nil)
        }
        let scan = TaskScanner(root: f.root, taskLimit: 5).scan(snapshot: Self.snapshot)
        #expect(scan.holders.count == 5)
        #expect(scan.notVisible == ["Task scan stopped at 5 tasks; 15 more processes were not looked at: "
                                    + "the CPUs they are pinned to are unknown (restrack still hands out CPUs no visible "
                                    + "task pins, and `check` fails until every task can be seen)."])
        #expect(scan.blindSpots == scan.notVisible)
    }

    @Test func unlistableProcIsNotVisible() throws {
        let f = try TaskRootFixture(online: "0-7")
        defer { f.remove() }
        // A topology-only capture (no proc/ at all): nothing to see, nothing unseen.
        #expect(TaskScanner(root: f.root).scan(snapshot: Self.snapshot).notVisible.isEmpty)
        try f.mkdir("proc")
        let scan = TaskScanner(root: f.root, fault: { $0 == "proc" ? EACCES : nil }).scan(snapshot: Self.snapshot)
        #expect(scan.holders.isEmpty)
        #expect(scan.notVisible.count == 1)
        #expect(scan.notVisible.first?.hasPrefix("/proc cannot be listed (Permission denied)") == true, "\(scan.notVisible)")
    }

    @Test func cgroupLimitBoundsTheWalk() throws {
        let f = try TaskScannerFixtureTests.host()
        defer { f.remove() }
        let scan = TaskScanner(root: f.root, cgroupLimit: 3).scan(snapshot: Self.snapshot)
        #expect(scan.notVisible.count == 1, "\(scan.notVisible)")
        #expect(scan.notVisible.first?.hasPrefix("Cgroup scan stopped at 3 cgroups") == true, "\(scan.notVisible)")
        // The process holders do not depend on the walk.
        #expect(scan.holders.compactMap(\.pid) == [100, 200, 1000])
    }

    @Test func statParserReadsHostileCommAndRefusesGarbage() throws {
        let line = TaskRootFixture.statLine(pid: 7, comm: "a) b (c", ppid: 2, flags: 0x0020_0040)
        let stat = try #require(TaskStat(Array(line.utf8)))
        #expect(stat.comm == Array("a) b (c".utf8))
        #expect(stat.ppid == 2)
        #expect(stat.flags == 0x0020_0040)
        #expect(stat.isKernelThread(pid: 7))
        #expect(TaskStat(Array("7 (x) S 1 2 3".utf8)) == nil)
        #expect(TaskStat(Array("7 (x) S one 7 7 0 -1 0 0".utf8)) == nil)
        #expect(TaskStat(Array("garbage".utf8)) == nil)
        let user = try #require(TaskStat(Array(TaskRootFixture.statLine(pid: 9, comm: "x", ppid: 1, flags: 0x0040_0100).utf8)))
        #expect(!user.isKernelThread(pid: 9))
    }

    @Test func cgroupMembershipParser() {
        func parse(_ s: String) -> CgroupCPUSets.Membership? { CgroupCPUSets.membership(Array(s.utf8)) }
        #expect(parse("0::/machine.slice/x.scope\n") == .path("/machine.slice/x.scope"))
        #expect(parse("12:cpuset:/\n0::/\n") == .path("/"))
        #expect(parse("12:cpuset:/docker/abc\n") == .unknown)             // v1 only
        #expect(parse("0::/../../outside.slice\n") == .unknown)           // other cgroup namespace
        #expect(parse("0::relative\n") == nil)
        #expect(parse("0::/a/./b\n") == nil)
        #expect(parse("nonsense\n") == nil)
        #expect(parse("0::/a\u{0}b\n") == nil)
    }
}

/// A value shared with a detached task.
final class Locked<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    var current: T {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); defer { lock.unlock() }; value = newValue }
    }
}

/// Runs `work` on its own thread and waits at most `seconds` for it: a scan
/// that blocks on a FIFO fails the test instead of hanging the suite.
func withTimeout<T: Sendable>(seconds: Double, done: Locked<Bool>, _ work: @escaping @Sendable () -> T) async -> T? {
    let result = Locked<T?>(nil)
    let thread = Thread {
        result.current = work()
        done.current = true
    }
    thread.start()
    let deadline = Date().addingTimeInterval(seconds)
    while !done.current, Date() < deadline {
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return result.current
}

@Suite struct TaskScannerNamespaceTests {
    @Test func pidNamespaceDepthFromNSpid() {
        func levels(_ s: String) -> Int { TaskScanner.pidNamespaceLevels(Array(s.utf8)) }
        #expect(levels("Name:\tx\nNSpid:\t4121\nNStgid:\t4121\n") == 1)
        #expect(levels("Name:\tx\nNSpid:\t4121\t7\t1\n") == 3)
        #expect(levels("Name:\tx\n") == 1)   // kernels before 4.1 have no NSpid
        var tally = TaskScanTally()
        tally.pidNamespaceLevels = 2
        #expect(tally.lines.count == 1)
        #expect(tally.lines.first?.contains("child PID namespace") == true)
    }
}

@Suite struct TaskStatusParserTests {
    static func parse(_ value: String) -> CPUSet? {
        var buffer = TaskAffinity.Buffer()
        let bytes = Array("Name:\tx\nCpus_allowed:\tff\nCpus_allowed_list:\t\(value)\nMems_allowed_list:\t0\n".utf8)
        guard TaskAffinity.fromStatus(bytes, count: bytes.count, into: &buffer) else { return nil }
        return CPUWords(words: buffer.words).set
    }

    @Test func cpulistOnWordsMatchesCPUSet() throws {
        for text in ["0", "0-3", "0-3,62-66,130", "63", "64", "0-127", "5,7,9-200,511", "65535"] {
            #expect(Self.parse(text) == (try CPUSet(cpulist: text)), "\(text)")
        }
        // A mask left from a wider task must not leak into the next one.
        var buffer = TaskAffinity.Buffer()
        let wide = Array("Cpus_allowed_list:\t0-1023\n".utf8), narrow = Array("Cpus_allowed_list:\t3\n".utf8)
        #expect(TaskAffinity.fromStatus(wide, count: wide.count, into: &buffer))
        #expect(TaskAffinity.fromStatus(narrow, count: narrow.count, into: &buffer))
        #expect(CPUWords(words: buffer.words).set == [3])
        // Only the first `count` bytes are the file.
        #expect(!TaskAffinity.fromStatus(narrow, count: 10, into: &buffer))
    }

    @Test func cpulistGarbageIsRefused() {
        for text in ["", "1-", "3-1", "a", "0,,1", "65536", "0-99999999", "1 2", "-1", "0x3", "1,"] {
            #expect(Self.parse(text) == nil, "\(text)")
        }
    }
}
