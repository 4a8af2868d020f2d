import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// nova.conf values that oslo.config and Nova accept but read in a way that
/// is easy to get wrong.
@Suite struct ComputeConfigNovaEdgeTests {
    /// Config management often renders an unset option as `key =`. Nova's
    /// libvirt driver tests `if CONF.compute.cpu_shared_set:`, so an empty
    /// value is the option left out, not an empty set.
    @Test func emptyCPUSetsMeanUnset() throws {
        let c = try ComputeConfig.parse("[compute]\ncpu_dedicated_set =\ncpu_shared_set = \n", file: "nova.conf")
        #expect(c.cpuDedicatedSet == nil && c.cpuSharedSet == nil)
        // Dedicated given, shared empty: Nova reports no VCPU (dedicated only).
        let d = try ComputeConfig.parse("[compute]\ncpu_dedicated_set = 2-3\ncpu_shared_set =\n", file: "nova.conf")
        #expect(d.cpuDedicatedSet == [2, 3] && d.cpuSharedSet == nil)
    }

    @Test func emptyDedicatedSetKeepsTheHostsCPUs() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let config = tree.tempDir.appendingPathComponent("nova.conf").path
        try Data("[compute]\ncpu_dedicated_set =\n".utf8).write(to: URL(fileURLWithPath: config))
        let s = try tree.snapshot(config: config)
        // Neither set: restrack's default; nothing is isolated in this
        // capture, so all 32 online CPUs are shared, 16 per node.
        #expect(s.cells.map { $0.cpus.count } == [16, 16])
        #expect(s.cells.allSatisfy { $0.pcpus.isEmpty })
    }

    /// A page size whose KiB overflow Int is a config error, not a trap.
    @Test func hugeReservedPageSizeIsAnError() {
        #expect(ComputeConfig.pageSizeKB("9999999999999999GB") == nil)
        #expect(ComputeConfig.pageSizeKB("1GB") == 1_048_576)
        do {
            _ = try ComputeConfig.parse("[DEFAULT]\nreserved_huge_pages = node:0,size:99999999999999999M,count:1\n",
                                        file: "nova.conf")
            Issue.record("an overflowing size must be refused")
        } catch {
            #expect(error.message.contains("[DEFAULT] reserved_huge_pages (line 2)"))
        }
    }
}
