import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A long-lived `SnapshotLoader` keeps the CPU topology while `present`,
/// `online` and `isolated` read the same, and reads it again when they
/// change. These tests change a captured root between two polls of one
/// loader, as a host changes under the dashboard.
@Suite struct CPUTopologyCacheTests {
    /// Four CPUs, two cores of two hyperthreads (0,2 and 1,3), one node.
    private func tree() throws -> DeviceRootBuilder {
        let b = try DeviceRootBuilder()
        try b.writeFourCPUsOnOneNode()
        try b.write("sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 8388608 kB\nNode 0 MemFree: 4194304 kB\n")
        try b.write("proc/sys/kernel/hostname", "topo\n")
        return b
    }

    private func loader(_ b: DeviceRootBuilder) -> SnapshotLoader {
        SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: b.path, pciIDsPath: FixtureTree.pciIDs))
    }

    private func cpus(_ s: HostSnapshot) -> CPUSet {
        s.cells.reduce(CPUSet()) { $0.union($1.cpus).union($1.pcpus) }
    }

    @Test func aCPUTakenOfflineBetweenPollsLeavesTheNextPoll() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        #expect(cpus(try loader.load()) == CPUSet([0, 1, 2, 3]))
        #expect(cpus(try loader.load()) == CPUSet([0, 1, 2, 3]))
        // The kernel rewrites `online` and drops the CPU from its
        // sibling's list.
        try b.write("sys/devices/system/cpu/online", "0-2\n")
        try b.write("sys/devices/system/cpu/cpu1/topology/thread_siblings_list", "1\n")
        let after = try loader.load()
        #expect(cpus(after) == CPUSet([0, 1, 2]))
        #expect(after.cells.first?.offlineCPUs == CPUSet([3]))
        // Siblings are the multi-CPU groups: 1 is now a core of its own.
        #expect(after.cells.first?.siblings == [CPUSet([0, 2])])
        // And back online.
        try b.write("sys/devices/system/cpu/online", "0-3\n")
        try b.write("sys/devices/system/cpu/cpu1/topology/thread_siblings_list", "1,3\n")
        let back = try loader.load()
        #expect(cpus(back) == CPUSet([0, 1, 2, 3]))
        #expect(back.cells.first?.siblings.contains(CPUSet([1, 3])) == true)
    }

    @Test func aCPUIsolatedBetweenPollsBecomesDedicatedOnTheNextPoll() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        #expect(try loader.load().cells.first?.pcpus == CPUSet())
        _ = try loader.load()
        try b.write("sys/devices/system/cpu/isolated", "2-3\n")
        let after = try loader.load()
        #expect(after.cells.first?.isolatedCPUs == CPUSet([2, 3]))
        #expect(after.cells.first?.pcpus == CPUSet([2, 3]))
    }

    @Test func whileTheListsStayTheSamePerCPUFilesAreNotReadAgain() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        let first = try loader.load()
        #expect(first.cells.first?.siblings.contains(CPUSet([0, 2])) == true)
        // A real kernel never changes a sibling list while both CPUs stay
        // online; a kept value shows the poll did not read it.
        try b.write("sys/devices/system/cpu/cpu0/topology/thread_siblings_list", "0\n")
        try b.write("sys/devices/system/cpu/cpu2/topology/thread_siblings_list", "2\n")
        #expect(try loader.load().cells.first?.siblings == first.cells.first?.siblings)
        // A one-shot probe reads everything.
        let fresh = try HostProbe.snapshot(ProbeOptions(sysfsRoot: b.path, pciIDsPath: FixtureTree.pciIDs))
        #expect(fresh.cells.first?.siblings == [CPUSet([1, 3])])
    }

    @Test func aTopologyReadWithAWarningIsReadAgainAndWarnsAgain() throws {
        let b = try tree()
        defer { b.remove() }
        try b.write("sys/devices/system/cpu/cpu1/topology/physical_package_id", "garbage\n")
        let loader = loader(b)
        let first = try loader.load()
        #expect(first.warnings.contains { $0.contains("physical_package_id") })
        let second = try loader.load()
        #expect(second.warnings.contains { $0.contains("physical_package_id") })
        try b.write("sys/devices/system/cpu/cpu1/topology/physical_package_id", "0\n")
        #expect(try loader.load().warnings.contains { $0.contains("physical_package_id") } == false)
    }
}
