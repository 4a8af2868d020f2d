import Foundation
import TestSupport
import Testing
@testable import HostProbes
import TrackerCore

/// The task scanner on this machine's own `/proc`: a child pinned with
/// `taskset -c 1` holds dedicated CPU 1 while it runs, and nothing after.
@Suite struct TaskScannerLiveTests {
    static let snapshot = TaskRootFixture.snapshot(shared: [0], dedicated: [1])

    @Test func pinnedChildHoldsCPU1UntilItExits() throws {
        try LiveCPUPinning.exclusively { try pinnedChildHoldsCPU1UntilItExitsAlone() }
    }

    private func pinnedChildHoldsCPU1UntilItExitsAlone() throws {
        let online = (try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8))
            .flatMap { try? CPUSet(cpulist: $0) } ?? []
        guard TestEnvironment.require(online.contains(0) && online.contains(1), "CPUs 0 and 1 online") else { return }
        let tasksetPath = TestEnvironment.executable(named: "taskset")
        guard TestEnvironment.require(tasksetPath != nil, "taskset (util-linux)"), let taskset = tasksetPath else { return }
        var error = ""
        let child = try #require(BackgroundChild(taskset, ["-c", "1", "sleep", "30"], error: &error), "\(error)")
        defer { child.kill() }
        let pid = child.pid

        // taskset sets the mask, then execs sleep: wait for the exec.
        var holder: Holder?
        let observer = HostObserver(root: nil)
        for _ in 0..<100 {
            let seen = observer.observe(snapshot: Self.snapshot, claims: [], now: Date().timeIntervalSince1970,
                                        deviceSpecConfigured: false)
            holder = seen.holders.first { $0.pid == pid && $0.comm == "sleep" }
            if holder != nil { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let found = try #require(holder, "pid \(pid) pinned to CPU 1 is not reported")
        #expect(found.kind == .kernel)
        #expect(found.id == "pid:\(pid)")
        #expect(found.name == "sleep")
        #expect(found.cpus == [1])
        #expect(found.cgroup != nil)

        child.kill()
        let after = TaskScanner(root: nil).scan(snapshot: Self.snapshot)
        #expect(!after.holders.contains { $0.pid == pid })
    }

    /// This test process and its threads are not pinned, and the per-CPU
    /// kernel threads on CPU 1 (ksoftirqd/1, migration/1, cpuhp/1) are
    /// kernel threads: none of them is a holder.
    @Test func unpinnedSelfAndKernelThreadsAreNotHolders() throws {
        let scan = TaskScanner(root: nil).scan(snapshot: Self.snapshot)
        #expect(!scan.holders.contains { $0.pid == getpid() })
        let kernelNames = ["ksoftirqd/", "migration/", "cpuhp/", "kworker/", "rcu"]
        #expect(!scan.holders.contains { h in kernelNames.contains { (h.comm ?? "").hasPrefix($0) } },
                "\(scan.holders.map(\.label))")
        #expect(scan.notVisible.isEmpty, "\(scan.notVisible)")
    }
}
