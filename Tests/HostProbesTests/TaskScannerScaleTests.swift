import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A synthetic captured root with thousands of tasks: every pinned one is
/// found, none of the others, and the scan's cost per 1,000 tasks is
/// printed (the bound asserted is only there to catch a hang or a
/// quadratic blow-up on a shared, loaded machine).
@Suite struct TaskScannerScaleTests {
    @Test func thousandsOfTasksAreScannedLinearly() throws {
        let f = try TaskRootFixture(online: "0-63")
        defer { f.remove() }
        try f.cgroup("/", effective: "0-63")
        try f.cgroup("/system.slice", effective: "0-63")
        let processes = 1_000, threads = 2
        var pinned: Set<Int32> = []
        for i in 0..<processes {
            let pid = Int32(1_000 + i * threads)
            // Every 40th process has a worker pinned to one dedicated CPU.
            let pin = i % 40 == 0
            if pin { pinned.insert(pid) }
            let tids = (0..<threads).map { (pid + Int32($0), pin && $0 == 1 ? "\(8 + i % 56)" : "0-63") }
            try f.process(pid, comm: "worker\(i)", threads: tids, cgroup: "/system.slice")
        }
        let snapshot = TaskRootFixture.snapshot(shared: CPUSet(0..<8), dedicated: CPUSet(8..<64))
        let scanner = TaskScanner(root: f.root)
        _ = scanner.scan(snapshot: snapshot)   // warm the page cache
        let start = DispatchTime.now().uptimeNanoseconds
        let scan = scanner.scan(snapshot: snapshot)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        #expect(Set(scan.holders.compactMap(\.pid)) == pinned)
        #expect(scan.notVisible.isEmpty)
        let tasks = processes * threads
        print(String(format: "task scan, captured root: %d tasks in %.1f ms, %.2f ms per 1,000 tasks",
                     tasks, seconds * 1000, seconds * 1000 / Double(tasks) * 1000))
        #expect(seconds < 30)

        let live = TaskScanner(root: nil), liveSnapshot = TaskRootFixture.snapshot(shared: [0], dedicated: [1])
        _ = live.scan(snapshot: liveSnapshot)
        let liveStart = DispatchTime.now().uptimeNanoseconds
        _ = live.scan(snapshot: liveSnapshot)
        let liveSeconds = Double(DispatchTime.now().uptimeNanoseconds - liveStart) / 1e9
        let liveTasks = Self.liveTaskCount()
        print(String(format: "task scan, live /proc: %d tasks in %.2f ms, %.2f ms per 1,000 tasks",
                     liveTasks, liveSeconds * 1000, liveSeconds * 1000 / Double(max(liveTasks, 1)) * 1000))
    }

    static func liveTaskCount() -> Int {
        let fm = FileManager.default
        let pids = (try? fm.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
        return pids.reduce(0) { $0 + ((try? fm.contentsOfDirectory(atPath: "/proc/\($1)/task"))?.count ?? 0) }
    }
}
