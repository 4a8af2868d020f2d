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

/// Nova's allocation ratios: `cpu_allocation_ratio` unless unset or 0.0
/// (the pre-Stein spelling of unset), else `initial_cpu_allocation_ratio`.
@Suite struct ComputeConfigAllocationRatioTests {
    static func ratios(_ text: String) throws -> (Double, Double) {
        let c = try ComputeConfig.parse(text, file: "nova.conf")
        return (c.cpuAllocationRatio, c.ramAllocationRatio)
    }

    @Test func initialRatiosApplyWhenTheRatiosAreUnset() throws {
        #expect(try Self.ratios("[DEFAULT]\ninitial_cpu_allocation_ratio = 2.0\ninitial_ram_allocation_ratio = 1.5\n")
                == (2.0, 1.5))
        // 0.0 is "unset" in Nova (kept for pre-Stein configs), not an error.
        #expect(try Self.ratios("[DEFAULT]\ncpu_allocation_ratio = 0.0\nram_allocation_ratio = 0.0\n"
                                + "initial_cpu_allocation_ratio = 3.0\n") == (3.0, 1.0))
        // A set ratio wins over the initial one.
        #expect(try Self.ratios("[DEFAULT]\ncpu_allocation_ratio = 8.0\ninitial_cpu_allocation_ratio = 2.0\n") == (8.0, 1.0))
        #expect(try Self.ratios("[DEFAULT]\ndebug = true\n") == (4.0, 1.0))
        #expect(throws: ProbeError.self) { try Self.ratios("[DEFAULT]\ncpu_allocation_ratio = -1\n") }
    }
}

/// oslo.config's INI parser drops one pair of matching quotes around a value
/// (`_split_key_value`), so a nova.conf may quote specs and JSON.
@Suite struct ComputeConfigQuotedValueTests {
    @Test func matchingQuotesAroundAValueAreDropped() throws {
        let c = try ComputeConfig.parse("""
            [DEFAULT]
            reserved_host_memory_mb = "2048"
            [compute]
            cpu_dedicated_set = "2-5"
            cpu_shared_set = '0,1'
            [pci]
            alias = '{"name": "vf", "vendor_id": "8086", "product_id": "1889"}'
            """, file: "nova.conf")
        #expect(c.reservedHostMemoryMB == 2048)
        #expect(c.cpuDedicatedSet == [2, 3, 4, 5] && c.cpuSharedSet == [0, 1])
        #expect(c.aliases.map(\.name) == ["vf"])
        // Only a matching pair: a lone or mismatched quote stays and is refused.
        #expect(throws: ProbeError.self) { try ComputeConfig.parse("[compute]\ncpu_shared_set = \"0,1'\n", file: "n") }
    }
}
