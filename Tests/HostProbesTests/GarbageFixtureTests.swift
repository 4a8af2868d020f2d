import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// The corrupt tree of `Fixtures/scripts/make-garbage-tree.sh`: each broken
/// file is one warning naming it, and the field gets a neutral value.
@Suite struct GarbageFixtureTests {
    @Test func brokenFilesAreWarningsNotCrashes() throws {
        let tree = try FixtureTree.scripted("make-garbage-tree.sh")
        defer { tree.remove() }
        let s = try tree.snapshot()
        let w = s.warnings

        // nr_hugepages "lots": 0 pages on node 0, node 1 untouched.
        #expect(w.contains { $0.contains("node0/hugepages/hugepages-2048kB/nr_hugepages holds 'lots'") })
        #expect(s.pool(0, 2048)?.total == 0)
        #expect(s.pool(1, 2048)?.total == 2048)
        // isolated "3-x": nothing isolated, so nothing dedicated.
        #expect(w.contains { $0.contains("cpu/isolated is not a CPU list") })
        #expect(s.cells.allSatisfy { $0.pcpus.isEmpty })
        // distance "21 ten": unknown for node 1 only.
        #expect(w.contains { $0.contains("node1/distance is not a list of integers") })
        #expect(s.cell(id: 1)?.distances == nil)
        #expect(s.cell(id: 0)?.distances == [0: 10, 1: 21])
        // cpu5 lost thread_siblings_list: the thread_siblings mask still pairs it with 21.
        #expect(s.cell(id: 1)?.siblings.contains(CPUSet([5, 21])) == false)
        #expect(s.cell(id: 0)?.siblings.contains(CPUSet([5, 21])) == true)
        // numa_node is a directory: not read, so no locality.
        #expect(w.contains { $0.contains("0000:60:00.0/numa_node is a directory, not a regular file") })
        #expect(s.device("0000:60:00.0")?.numaNode == nil)
        // A device dir without class (libpci would have called exit(1)):
        // still listed, with its ids, without a class.
        #expect(w.contains { $0.contains("0000:17:00.0/class is missing") })
        let rootPort = try #require(s.device("0000:17:00.0"))
        #expect(rootPort.classCode == nil)
        #expect(rootPort.vendorID == "8086" && rootPort.productID == "2030")
        #expect(s.pciDevices.count == 28)
        // A non-UTF-8 interface name with a control character: escaped.
        #expect(s.device("0000:60:00.1")?.netInterfaces == ["enp96s0f1", "\\xffbad\\x01"])

        // Every sentence names a file (or CPUs) and what was assumed.
        #expect(w.allSatisfy { $0.contains("assumed") })
        #expect(w.count == 6)

        // The snapshot is a valid contract document.
        let json = ContractJSON.encode(s)
        let back = try ContractJSON.decode(HostSnapshot.self, from: Data(json.utf8), document: "garbage")
        #expect(back == s)
    }

    @Test func unreadableRootIsAnErrorNamingIt() throws {
        #expect(throws: ProbeError.self) { try HostProbe.snapshot(ProbeOptions(sysfsRoot: "/nonexistent/restrack-root")) }
        do {
            _ = try HostProbe.snapshot(ProbeOptions(sysfsRoot: "/nonexistent/restrack-root"))
        } catch {
            #expect(error.message.contains("--root /nonexistent/restrack-root"))
        }
        // A directory that is not a captured tree is refused, not probed as empty.
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: ProbeError.self) { try HostProbe.snapshot(ProbeOptions(sysfsRoot: empty.path)) }
        // A file where the CPU directory should be is no tree either; a
        // node directory alone is one (probed, with warnings).
        let system = empty.appendingPathComponent("sys/devices/system")
        try FileManager.default.createDirectory(at: system, withIntermediateDirectories: true)
        try "".write(to: system.appendingPathComponent("cpu"), atomically: false, encoding: .utf8)
        #expect(throws: ProbeError.self) { try HostProbe.snapshot(ProbeOptions(sysfsRoot: empty.path)) }
        try FileManager.default.createDirectory(at: system.appendingPathComponent("node"), withIntermediateDirectories: true)
        #expect(try HostProbe.snapshot(ProbeOptions(sysfsRoot: empty.path)).warnings.isEmpty == false)
    }
}
