import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// `SnapshotLoader.loadForDisplay` keeps the snapshot between the
/// dashboard's display polls while nothing it checks changed, and probes
/// again when one of them does; `load` always probes.
@Suite struct DisplaySnapshotTests {
    private static let pages = "sys/devices/system/node/node0/hugepages/hugepages-2048kB"

    /// Four CPUs on one node with 8 GiB and a 2 MiB pool of 64 pages.
    private func tree() throws -> DeviceRootBuilder {
        let b = try DeviceRootBuilder()
        try b.writeFourCPUsOnOneNode()
        try meminfo(b, totalKB: 8_388_608)
        try b.write("\(Self.pages)/nr_hugepages", "64\n")
        try b.write("\(Self.pages)/free_hugepages", "64\n")
        try b.write("\(Self.pages)/surplus_hugepages", "0\n")
        try b.write("proc/sys/kernel/hostname", "keep\n")
        return b
    }

    private func meminfo(_ b: DeviceRootBuilder, totalKB: Int) throws {
        try b.write("sys/devices/system/node/node0/meminfo",
                    "Node 0 MemTotal: \(totalKB) kB\nNode 0 MemFree: 4194304 kB\nNode 0 MemUsed: 4194304 kB\n")
    }

    private func loader(_ b: DeviceRootBuilder) -> SnapshotLoader {
        SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: b.path, pciIDsPath: FixtureTree.pciIDs))
    }

    private func pool(_ s: HostSnapshot) -> PagePool? {
        s.cells.first?.mempages.first { $0.sizeKB == 2048 }
    }

    /// The dashboard's first two display polls.
    private func settled(_ loader: SnapshotLoader) throws -> HostSnapshot {
        _ = try loader.loadForDisplay(rescanAfter: 3600)
        return try loader.loadForDisplay(rescanAfter: 3600)
    }

    @Test func anIdleDisplayPollDoesNotProbe() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        let first = try settled(loader)
        let probes = loader.probes
        for _ in 0..<5 {
            #expect(try loader.loadForDisplay(rescanAfter: 3600) == first)
        }
        #expect(loader.probes == probes)
    }

    @Test func moreHugepagesShowAtTheNextDisplayPoll() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        #expect(pool(try settled(loader))?.total == 64)
        try b.write("\(Self.pages)/nr_hugepages", "128\n")
        try b.write("\(Self.pages)/free_hugepages", "128\n")
        let after = try loader.loadForDisplay(rescanAfter: 3600)
        #expect(pool(after)?.total == 128)
        #expect(pool(after)?.free == 128)
    }

    @Test func freePagesTakenShowAtTheNextDisplayPollWithoutAProbe() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        _ = try settled(loader)
        let probes = loader.probes
        try b.write("\(Self.pages)/free_hugepages", "40\n")
        #expect(pool(try loader.loadForDisplay(rescanAfter: 3600))?.free == 40)
        #expect(loader.probes == probes)
    }

    @Test func memoryAddedShowsAtTheNextDisplayPoll() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        #expect(try settled(loader).cells.first?.memoryMB == 8192)
        try meminfo(b, totalKB: 16_777_216)
        #expect(try loader.loadForDisplay(rescanAfter: 3600).cells.first?.memoryMB == 16384)
    }

    @Test func aCPUOfflinedShowsAtTheNextDisplayPoll() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        #expect(try settled(loader).cells.first?.offlineCPUs ?? [] == CPUSet())
        try b.write("sys/devices/system/cpu/online", "0-2\n")
        try b.write("sys/devices/system/cpu/cpu1/topology/thread_siblings_list", "1\n")
        #expect(try loader.loadForDisplay(rescanAfter: 3600).cells.first?.offlineCPUs == CPUSet([3]))
    }

    @Test func theRescanCadenceProbesAgain() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        _ = try settled(loader)
        let probes = loader.probes
        _ = try loader.loadForDisplay(rescanAfter: 0)
        #expect(loader.probes == probes + 1)
    }

    @Test func aFullLoadAlwaysProbes() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        _ = try settled(loader)
        let probes = loader.probes
        _ = try loader.load()
        _ = try loader.load()
        #expect(loader.probes == probes + 2)
    }

    /// What the fingerprint does not see (here the hostname; a driver bound
    /// on a host) and a full poll read is what the next display poll shows.
    @Test func aFullLoadIsWhatTheNextDisplayPollShows() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        #expect(try settled(loader).hostname == "keep")
        try b.write("proc/sys/kernel/hostname", "renamed\n")
        #expect(try loader.loadForDisplay(rescanAfter: 3600).hostname == "keep")
        #expect(try loader.load().hostname == "renamed")
        let probes = loader.probes
        #expect(try loader.loadForDisplay(rescanAfter: 3600).hostname == "renamed")
        #expect(loader.probes == probes)
    }

    /// The fingerprint is the probe's own reads, so the very first probe
    /// (a display poll's or a full one's) is kept for the next display poll.
    @Test func theFirstProbeIsKeptForTheNextDisplayPoll() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        let first = try loader.loadForDisplay(rescanAfter: 3600)
        #expect(try loader.loadForDisplay(rescanAfter: 3600) == first)
        #expect(loader.probes == 1)
    }

    /// A full load that finds a new page size is kept for the display polls
    /// with that pool, and a change to the new pool's total after the load
    /// still shows at the next display poll.
    @Test func aNewPageSizeFromAFullLoadIsKeptAndWatched() throws {
        let b = try tree()
        defer { b.remove() }
        let loader = loader(b)
        _ = try settled(loader)
        let giant = "sys/devices/system/node/node0/hugepages/hugepages-1048576kB"
        try b.write("\(giant)/nr_hugepages", "2\n")
        try b.write("\(giant)/free_hugepages", "2\n")
        try b.write("\(giant)/surplus_hugepages", "0\n")
        #expect(try loader.load().cells.first?.mempages.map(\.sizeKB) == [4, 2048, 1_048_576])
        let probes = loader.probes
        #expect(try loader.loadForDisplay(rescanAfter: 3600).cells.first?.mempages.last?.total == 2)
        #expect(loader.probes == probes)
        try b.write("\(giant)/nr_hugepages", "4\n")
        #expect(try loader.loadForDisplay(rescanAfter: 3600).cells.first?.mempages.last?.total == 4)
        #expect(loader.probes == probes + 1)
    }

    /// Memory kept for the host shrinks the cell's `memory_mb`; the
    /// fingerprint holds the kernel's total, so an idle display poll still
    /// does not probe, and memory added still shows.
    @Test func hostMemoryReservedLeavesTheFingerprintAlone() throws {
        let b = try tree()
        defer { b.remove() }
        try b.write("etc/nova.conf", "[DEFAULT]\nreserved_host_memory_mb = 1024\n")
        let loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: b.path, configPath: b.path + "/etc/nova.conf",
                                                                       pciIDsPath: FixtureTree.pciIDs))
        #expect(try loader.load().cells.first?.memoryMB == 8192 - 1024)
        let probes = loader.probes
        #expect(try loader.loadForDisplay(rescanAfter: 3600).cells.first?.memoryMB == 8192 - 1024)
        #expect(loader.probes == probes)
        try meminfo(b, totalKB: 16_777_216)
        #expect(try loader.loadForDisplay(rescanAfter: 3600).cells.first?.memoryMB == 16384 - 1024)
    }
}
