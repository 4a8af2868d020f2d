import Foundation
import Testing
@testable import HostProbes
import TrackerCore

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
