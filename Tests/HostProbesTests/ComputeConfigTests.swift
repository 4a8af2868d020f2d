import Foundation
import Testing
@testable import HostProbes
import TrackerCore

@Suite struct ComputeConfigTests {
    static let novaConf = """
        [DEFAULT]
        # A nova.conf has many keys restrack does not read.
        debug = true
        reserved_host_memory_mb = 1024
        cpu_allocation_ratio = 2.0
        ram_allocation_ratio = 1.5
        reserved_huge_pages = node:0,size:2048,count:64
        reserved_huge_pages = node:1,size:2MB,count:8

        [compute]
        cpu_dedicated_set = 2-7,18-23,10-15,^12
        cpu_shared_set = 0,1,16,17

        [pci]
        device_spec = {"vendor_id": "8086", "product_id": "37d2", "physical_network": "physnet0"}
        alias = {"name": "x722", "vendor_id": "8086", "product_id": "37d2",
            "device_type": "type-PF", "numa_policy": "preferred"}
        """

    @Test func readsNovaKeys() throws {
        let c = try ComputeConfig.parse(Self.novaConf, file: "nova.conf")
        #expect(c.cpuDedicatedSet?.cpulist == "2-7,10-11,13-15,18-23")
        #expect(c.cpuSharedSet?.cpulist == "0-1,16-17")
        #expect(c.reservedHostMemoryMB == 1024)
        #expect(c.cpuAllocationRatio == 2.0)
        #expect(c.ramAllocationRatio == 1.5)
        #expect(c.reservedHugePages == [.init(node: 0, sizeKB: 2048, count: 64), .init(node: 1, sizeKB: 2048, count: 8)])
        #expect(c.deviceSpecs.count == 1 && c.deviceSpecs[0].physicalNetwork == "physnet0")
        // The alias continues on an indented line, as oslo.config allows.
        #expect(c.aliases == [PCIAlias(name: "x722", vendorID: "8086", productID: "37d2",
                                       deviceType: .pf, numaPolicy: .preferred)])
    }

    @Test func novaDefaultsWhenKeysAreAbsent() throws {
        let c = try ComputeConfig.parse("[DEFAULT]\ndebug = true\n", file: "nova.conf")
        #expect(c.reservedHostMemoryMB == 512)
        #expect(c.cpuAllocationRatio == 4.0)
        #expect(c.cpuDedicatedSet == nil && c.cpuSharedSet == nil)
        #expect(c.deviceSpecs.isEmpty && c.aliases.isEmpty)
    }

    @Test func badValuesAreErrorsNamingFileKeyAndLine() {
        func message(_ text: String) -> String {
            do {
                _ = try ComputeConfig.parse(text, file: "/etc/nova/nova.conf")
                return ""
            } catch {
                return error.message
            }
        }
        let badSpec = message("[compute]\ncpu_dedicated_set = 4-x\n")
        #expect(badSpec.contains("/etc/nova/nova.conf"))
        #expect(badSpec.contains("[compute] cpu_dedicated_set (line 2)"))
        #expect(badSpec.contains("cannot read CPU list '4-x'"))

        #expect(message("[compute]\ncpu_dedicated_set = 2-5\ncpu_shared_set = 5-6\n")
            .contains("CPUs 5 are also in cpu_dedicated_set"))
        #expect(message("[compute]\ncpu_shared_set = 8-3\n").contains("runs backwards"))
        #expect(message("[DEFAULT]\nreserved_host_memory_mb = lots\n").contains("[DEFAULT] reserved_host_memory_mb"))
        // 0 is Nova's "unset" (see ComputeConfigAllocationRatioTests); a negative ratio is an error.
        #expect(message("[DEFAULT]\ncpu_allocation_ratio = -0.5\n").contains("not a positive number"))
        #expect(message("[DEFAULT]\nreserved_huge_pages = node:0,size:huge,count:1\n").contains("needs size"))
        #expect(message("[pci]\nalias = {\"name\": \"a\"\n").contains("[pci] alias (line 2): '{\"name\": \"a\"' is not valid JSON"))
        #expect(message("[pci]\nalias = {\"name\": \"a\", \"numa_policy\": \"strict\"}\n").contains("numa_policy"))
        #expect(message("[pci]\nalias = {\"name\": \"a\"}\nalias = {\"name\": \"a\"}\n").contains("defined twice"))
        #expect(message("[pci]\ndevice_spec = {\"address\": \"0000:zz:00.0\"}\n").contains("not a PCI address pattern"))
        #expect(message("cpu_shared_set = 1\n").contains("line 1"))
        #expect(message("[compute\n").contains("not a [section] header"))
    }

    @Test func configSplitsCPUsAndReservesMemoryOnARealTree() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let conf = tree.tempDir.appendingPathComponent("nova.conf")
        try Self.novaConf.write(to: conf, atomically: true, encoding: .utf8)
        let plain = try tree.snapshot()
        let s = try tree.snapshot(config: conf.path)

        #expect(s.cell(id: 0)?.pcpus.sorted == Array(2...7) + Array(18...23))
        #expect(s.cell(id: 0)?.cpus.sorted == [0, 1, 16, 17])
        #expect(s.cell(id: 1)?.pcpus.sorted == [10, 11, 13, 14, 15])
        // CPUs in neither set are not handed out at all (Nova: neither VCPU nor PCPU).
        #expect(s.cell(id: 1)?.cpus.isEmpty == true)
        // Siblings only among usable CPUs: 8/24, 9/25, 12/28 are in no set.
        #expect(s.cell(id: 1)?.siblings.isEmpty == true)
        #expect(s.cell(id: 0)?.siblings.count == 8)

        // Host-wide, exactly reserved_host_memory_mb less, spread by size.
        let before = plain.cells.reduce(0) { $0 + $1.memoryMB }
        let after = s.cells.reduce(0) { $0 + $1.memoryMB }
        #expect(before - after == 1024)
        #expect(s.cells.map { $0.reservedMemoryMB ?? 0 }.reduce(0, +) == 1024)
        #expect(s.cells.allSatisfy { ($0.reservedMemoryMB ?? 0) > 400 })

        #expect(s.pool(0, 2048)?.reserved == 64)
        #expect(s.pool(1, 2048)?.reserved == 8)
        #expect(s.pool(0, 2048)?.available == 2048 - 64)
        #expect(s.cpuAllocationRatio == 2.0 && s.ramAllocationRatio == 1.5)
        #expect(s.pciDevices.map(\.address) == ["0000:60:00.0", "0000:60:00.1"])
        #expect(s.pciDevices.allSatisfy { $0.physicalNetwork == "physnet0" })
        #expect(s.pciAliases.map(\.name) == ["x722"])
    }

    @Test func withoutConfigIsolatedCPUsAreDedicated() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let isolated = URL(fileURLWithPath: tree.root).appendingPathComponent("sys/devices/system/cpu/isolated")
        try "4-7,20-23\n".write(to: isolated, atomically: true, encoding: .utf8)
        let s = try tree.snapshot()
        #expect(s.cell(id: 0)?.pcpus.sorted == [4, 5, 6, 7, 20, 21, 22, 23])
        #expect(s.cell(id: 0)?.isolatedCPUs?.sorted == [4, 5, 6, 7, 20, 21, 22, 23])
        #expect(s.cell(id: 0)?.cpus.sorted == [0, 1, 2, 3, 16, 17, 18, 19])
        #expect(s.cell(id: 1)?.pcpus.isEmpty == true)
        // No config: nothing reserved, every device shown.
        #expect(s.cells.allSatisfy { $0.reservedMemoryMB == nil })
        #expect(s.pciDevices.count == 28)
    }

    @Test func unreadableConfigIsAnError() {
        #expect(throws: ProbeError.self) {
            try HostProbe.snapshot(ProbeOptions(configPath: "/nonexistent/nova.conf"))
        }
    }
}
