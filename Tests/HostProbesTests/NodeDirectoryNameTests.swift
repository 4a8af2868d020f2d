import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Names in `sys/devices/system/node` the kernel never writes but a damaged
/// or hand-made capture can hold.
@Suite struct NodeDirectoryNameTests {
    static let node = "sys/devices/system/node"

    /// `node01` and `node+1` are not node 1: taking them for it gave two
    /// cells with id 1, its memory and hugepages counted twice.
    @Test func onlyCanonicalNodeNamesAreNodes() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let fm = FileManager.default
        for name in ["node01", "node+1"] {
            try fm.copyItem(atPath: "\(tree.root)/\(Self.node)/node1", toPath: "\(tree.root)/\(Self.node)/\(name)")
        }
        let s = try tree.snapshot()
        #expect(s.cells.map(\.id) == [0, 1])
        #expect(s.pool(1, 2048)?.total == 2048)
    }

    /// Without cpulist and cpumap the node's `cpuN` entries are used; an
    /// absurd N is not a CPU (it would size the CPU set by it).
    @Test func cpuEntriesBeyondTheLargestCPUIdAreIgnored() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let dir = "\(tree.root)/\(Self.node)/node1"
        try FileManager.default.removeItem(atPath: dir + "/cpulist")
        try FileManager.default.removeItem(atPath: dir + "/cpumap")
        try FileManager.default.createDirectory(atPath: dir + "/cpu99999999999", withIntermediateDirectories: false)
        let s = try tree.snapshot()
        // node1's cpuN links: 8-15 and 24-31, all online.
        #expect(s.allCPUs(1) == Array(8...15) + Array(24...31))
        #expect(s.warnings.contains { $0.contains("cpu99999999999") })
    }
}
