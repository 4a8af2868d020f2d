import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// `[DEFAULT] vcpu_pin_set` and `reserved_host_cpus`, which restrack used to
/// ignore: a legacy nova.conf then gave every online CPU to guests.
@Suite struct ComputeConfigLegacyCPUTests {
    @Test func vcpuPinSetIsRead() throws {
        let c = try ComputeConfig.parse("[DEFAULT]\nvcpu_pin_set = 4-11,^6\n", file: "nova.conf")
        #expect(c.vcpuPinSet == [4, 5, 7, 8, 9, 10, 11])
        // `vcpu_pin_set =` is unset, as Nova's truth test reads it.
        #expect(try ComputeConfig.parse("[DEFAULT]\nvcpu_pin_set =\n", file: "nova.conf").vcpuPinSet == nil)
    }

    @Test func combinationsNovaRefusesAreConfigErrors() {
        let cases: [(String, [String])] = [
            ("[DEFAULT]\nvcpu_pin_set = 2-5\n[compute]\ncpu_dedicated_set = 6-7\n",
             ["config /etc/nova/nova.conf: [DEFAULT] vcpu_pin_set (line 2)", "[compute] cpu_dedicated_set (line 4)",
              "unset vcpu_pin_set"]),
            ("[DEFAULT]\nreserved_host_cpus = 2\n[compute]\ncpu_shared_set = 0-3\n",
             ["[DEFAULT] reserved_host_cpus (line 2)", "[compute] cpu_shared_set", "unset reserved_host_cpus"]),
            ("[DEFAULT]\nreserved_host_cpus = 1\n[compute]\ncpu_dedicated_set = 4-7\n",
             ["[DEFAULT] reserved_host_cpus (line 2)", "[compute] cpu_dedicated_set"]),
            ("[DEFAULT]\nreserved_host_cpus = -1\n", ["[DEFAULT] reserved_host_cpus (line 2)", "non-negative"]),
            ("[DEFAULT]\nvcpu_pin_set = 2-3,^2,^3\n", ["[DEFAULT] vcpu_pin_set (line 2)", "leaves no CPUs"]),
        ]
        for (text, parts) in cases {
            do {
                _ = try ComputeConfig.parse(text, file: "/etc/nova/nova.conf")
                Issue.record("must be refused: \(text)")
            } catch {
                for part in parts { #expect(error.message.contains(part), "\(error.message)") }
            }
        }
    }

    @Test func combinationsNovaAccepts() throws {
        // Legacy mode: vcpu_pin_set beside cpu_shared_set (Nova warns, uses
        // vcpu_pin_set) with reserved_host_cpus; 0 reserved is "unset".
        let c = try ComputeConfig.parse("[DEFAULT]\nvcpu_pin_set = 2-5\nreserved_host_cpus = 1\n[compute]\ncpu_shared_set = 0-1\n",
                                        file: "nova.conf")
        #expect(c.vcpuPinSet == [2, 3, 4, 5] && c.reservedHostCPUs == 1)
        let z = try ComputeConfig.parse("[DEFAULT]\nreserved_host_cpus = 0\n[compute]\ncpu_dedicated_set = 4-7\n", file: "nova.conf")
        #expect(z.reservedHostCPUs == 0 && z.cpuDedicatedSet == [4, 5, 6, 7])
    }

    @Test func vcpuPinSetBoundsTheGuestsCPUs() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let config = tree.tempDir.appendingPathComponent("nova.conf").path
        let all = try tree.snapshot(config: nil)
        let online = all.cells.reduce(CPUSet()) { $0.union($1.cpus).union($1.pcpus) }
        let pin = CPUSet(Array(online.sorted().prefix(6)))
        try Data("[DEFAULT]\nvcpu_pin_set = \(pin.cpulist)\n[compute]\ncpu_shared_set = \(online.cpulist)\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        let s = try tree.snapshot(config: config)
        // Nothing is isolated in this capture, so the 6 pinned-set CPUs are
        // all shared and the other 26 are the host's; cpu_shared_set is ignored.
        let shared = s.cells.reduce(CPUSet()) { $0.union($1.cpus) }
        #expect(shared == pin)
        #expect(s.cells.allSatisfy { $0.pcpus.isEmpty })
        #expect(s.warnings.contains { $0.contains("vcpu_pin_set is used and cpu_shared_set ignored") })
    }

    @Test func reservedHostCPUsComeOffSharedCapacity() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let config = tree.tempDir.appendingPathComponent("nova.conf").path
        try Data("[DEFAULT]\nreserved_host_cpus = 3\ncpu_allocation_ratio = 2.0\n".utf8).write(to: URL(fileURLWithPath: config))
        let s = try tree.snapshot(config: config)
        // Placement: (32 − 3) × 2.0 = 58 of 64 vCPUs left, so 6 are charged,
        // 3 on each 16-CPU cell.
        #expect(s.cells.map { $0.cpus.count } == [16, 16])
        #expect(s.cells.map(\.cpuUsage) == [3, 3])
        #expect(s.cells.allSatisfy { $0.pinnedCPUs.isEmpty })
    }
}
