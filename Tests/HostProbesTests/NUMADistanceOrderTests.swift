import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Each node's distance row is ordered by the node directories, else by
/// `node/possible` or `node/online`; those two are read once per probe for
/// all the nodes, and what they say (or why they cannot be read) applies to
/// every node's row as when each node read them itself.
@Suite struct NUMADistanceOrderTests {
    /// Two nodes (CPUs 0-1 and 2-3), each row with three entries: a third
    /// node is possible but has no directory.
    private func tree() throws -> DeviceRootBuilder {
        let b = try DeviceRootBuilder()
        let cpu = "sys/devices/system/cpu"
        for name in ["present", "online", "possible"] { try b.write("\(cpu)/\(name)", "0-3\n") }
        for id in 0..<4 {
            try b.write("\(cpu)/cpu\(id)/topology/physical_package_id", "\(id / 2)\n")
            try b.write("\(cpu)/cpu\(id)/topology/thread_siblings_list", "\(id)\n")
        }
        let node = "sys/devices/system/node"
        try b.write("\(node)/node0/cpulist", "0-1\n")
        try b.write("\(node)/node1/cpulist", "2-3\n")
        try b.write("\(node)/node0/distance", "10 20 30\n")
        try b.write("\(node)/node1/distance", "20 10 30\n")
        for id in 0..<2 {
            try b.write("\(node)/node\(id)/meminfo", "Node \(id) MemTotal: 4194304 kB\nNode \(id) MemFree: 1048576 kB\n")
        }
        return b
    }

    private func nodes(_ b: DeviceRootBuilder) -> (nodes: [NUMANodeInfo], warnings: [String]) {
        var warnings = ProbeWarnings()
        let nodes = NUMAProbe.sysfs(SysfsReader(root: b.path), warnings: &warnings) ?? []
        return (nodes, warnings.sentences)
    }

    @Test func possibleOrdersEveryNodesRow() throws {
        let b = try tree()
        defer { b.remove() }
        try b.write("sys/devices/system/node/possible", "0-2\n")
        try b.write("sys/devices/system/node/online", "0-1\n")
        let (nodes, warnings) = nodes(b)
        #expect(nodes.map(\.distances) == [[0: 10, 1: 20, 2: 30], [0: 20, 1: 10, 2: 30]])
        #expect(warnings.isEmpty)
    }

    @Test func anUnreadablePossibleFileIsSaidForEachNode() throws {
        let b = try tree()
        defer { b.remove() }
        try b.mkdir("sys/devices/system/node/possible")
        try b.write("sys/devices/system/node/online", "0-1\n")
        let (nodes, warnings) = nodes(b)
        #expect(nodes.map(\.distances) == [nil, nil])
        let possible = warnings.filter { $0.contains("node/possible") && $0.contains("it does not order distance rows") }
        #expect(possible.count == 2)
        #expect(warnings.filter { $0.contains("has 3 entries for 2 nodes") }.count == 2)
    }
}
