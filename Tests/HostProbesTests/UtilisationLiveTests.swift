import Foundation
@testable import HostProbes
import TestSupport
import Testing
import TrackerCore

@Suite struct UtilisationLiveTests {
    /// A shell loop pinned to CPU 0 never sleeps, so CPU 0 is busy the whole
    /// second however loaded the machine is (busy counts every task, and
    /// steal counts as busy). The bounds leave room for a throttled cgroup
    /// but fail a probe that mixes up CPUs, counts idle as busy, or reads the
    /// all-CPU line as CPU 0 on an otherwise idle host.
    @Test(.timeLimit(.minutes(1))) func pinnedBurnerShowsOnCPU0() throws {
        guard TestEnvironment.require(TestEnvironment.executable(named: "taskset") != nil, "taskset (util-linux)"),
              let taskset = TestEnvironment.executable(named: "taskset") else { return }
        let burner = Process()
        burner.executableURL = URL(fileURLWithPath: taskset)
        burner.arguments = ["-c", "0", "sh", "-c", "while :; do :; done"]
        try burner.run()
        defer {
            // SIGKILL: the test runner blocks SIGTERM and a spawned child
            // inherits that mask, so terminate() would leave it burning.
            kill(burner.processIdentifier, SIGKILL)
            burner.waitUntilExit()
        }
        // Let the scheduler place it before the first read.
        usleep(200_000)
        let probe = UtilisationProbe(root: nil)
        let util = try #require(probe.sample(over: 1.0))
        let cpu0 = try #require(util.cpuBusyPct[0])
        let others = util.cpuBusyPct.filter { $0.key != 0 }.values.max() ?? 0
        #expect(cpu0 >= 50, "CPU 0 with a pinned burner is only \(cpu0) % busy: \(util.cpuBusyPct)")
        #expect(cpu0 >= others - 10, "CPU 0 (\(cpu0) %) is far below another CPU (\(others) %)")
        #expect((0...100).contains(util.hostBusyPct ?? -1))
        // The live host has node directories here (or none at all): every
        // node the kernel lists has its memory read.
        for node in NUMAProbe.nodeIDs(SysfsReader(root: nil)) ?? [] {
            let memory = try #require(util.nodeMemory[node])
            #expect(memory.totalMB > 0 && memory.freeMB <= memory.totalMB && memory.usedMB <= memory.totalMB)
        }
    }
}
