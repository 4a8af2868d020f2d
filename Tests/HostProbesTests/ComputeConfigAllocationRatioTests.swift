import Foundation
import Testing
@testable import HostProbes
import TrackerCore

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
