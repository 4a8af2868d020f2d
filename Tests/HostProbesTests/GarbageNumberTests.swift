import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Numbers no kernel writes but a damaged or hand-edited capture can hold:
/// each is a warning and a neutral value, never a trap, and the snapshot
/// stays a document `--host` reads back.
@Suite struct GarbageNumberTests {
    static let top = "32intel64-2p8co2t+8ve"
    static let node = "sys/devices/system/node"
    static let pf = "sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0/0000:60:00.0"

    static func write(_ tree: FixtureTree, _ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: tree.root + "/" + relative))
    }

    @Test func hugeCountsDoNotOverflow() throws {
        let tree = try FixtureTree.hwloc(Self.top)
        defer { tree.remove() }
        // 2^63 - 1 pages of 2 MiB: pages × size overflows Int.
        try Self.write(tree, "\(Self.node)/node0/hugepages/hugepages-2048kB/nr_hugepages", "9223372036854775807\n")
        // Node 1's MemTotal is 2^63 - 1 KiB; with 4096 MiB reserved the
        // proportional share (4096 × its MiB) overflows Int.
        try Self.write(tree, "\(Self.node)/node1/meminfo", "Node 1 MemTotal: 9223372036854775807 kB\n")
        let config = tree.tempDir.appendingPathComponent("nova.conf").path
        try Data("[DEFAULT]\nreserved_host_memory_mb = 4096\n".utf8).write(to: URL(fileURLWithPath: config))
        let s = try tree.snapshot(config: config)

        #expect(s.warnings.contains {
            $0.contains("node0/hugepages/hugepages-2048kB/nr_hugepages holds 9223372036854775807 pages of 2048 KiB")
        })
        #expect(s.pool(0, 2048)?.total == 0)
        // Node 0's 47925628 KiB are all small pages now: 47925628 / 4.
        #expect(s.pool(0, 4)?.total == 11_981_407)
        // Node 0 has 46802 MiB, node 1 (2^63 - 1) / 1024 = 9007199254740991 MiB:
        // node 0's share floor(4096 × 46802 / sum) is 0, node 1's 4095, and
        // the remaining 1 MiB goes to the larger cell.
        #expect(s.cell(id: 0)?.reservedMemoryMB == 0)
        #expect(s.cell(id: 1)?.reservedMemoryMB == 4096)
        #expect(s.cell(id: 1)?.memoryMB == 9_007_199_254_740_991 - 4096)
    }

    @Test func negativeCountsAreWarningsAndTheSnapshotReadsBack() throws {
        let tree = try FixtureTree.hwloc(Self.top)
        defer { tree.remove() }
        try Self.write(tree, "\(Self.pf)/sriov_totalvfs", "-1\n")
        try Self.write(tree, "\(Self.node)/node0/meminfo", "Node 0 MemTotal: 47925628 kB\nNode 0 MemFree: -4096 kB\n")
        try Self.write(tree, "\(Self.node)/node1/hugepages/hugepages-2048kB/free_hugepages", "-3\n")
        let s = try tree.snapshot()

        #expect(s.warnings.contains { $0.contains("0000:60:00.0/sriov_totalvfs holds '-1', not a count") })
        #expect(s.device("0000:60:00.0")?.sriovTotalVFs == nil)
        #expect(s.warnings.contains { $0.contains("node0/meminfo") && $0.contains("MemFree") })
        #expect(s.cell(id: 0)?.memoryFreeMB == nil)
        #expect(s.cell(id: 0)?.memoryMB == 47_925_628 / 1024)
        #expect(s.warnings.contains { $0.contains("hugepages-2048kB/free_hugepages holds '-3', not a count") })
        #expect(s.pool(1, 2048)?.free == nil)
        #expect(s.pool(1, 2048)?.total == 2048)

        // What `restrack snapshot` prints, `restrack --host` must accept.
        let json = ContractJSON.encode(s)
        let back = try ContractJSON.decode(HostSnapshot.self, from: Data(json.utf8), document: "negative")
        #expect(back == s)
    }
}
