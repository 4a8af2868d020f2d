import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// The machine running the tests. Expectations come from the kernel's own
/// files read here with Foundation, independent of the probes' reader.
@Suite struct LiveHostTests {
    @Test func libnumaAndSysfsAgreeOnCellsAndCPUs() throws {
        let viaLibnuma = try #require(NUMAProbe.libnuma(), "libnuma reports NUMA unavailable on this machine")
        var warnings = ProbeWarnings()
        let viaSysfs = try #require(NUMAProbe.sysfs(SysfsReader(root: nil), warnings: &warnings))
        #expect(viaLibnuma.map(\.id) == viaSysfs.map(\.id))
        #expect(viaLibnuma.map(\.cpus) == viaSysfs.map(\.cpus))
        for (a, b) in zip(viaLibnuma, viaSysfs) {
            #expect(a.distances == b.distances)
            // Memory moves between two reads (ballooning, hotplug): same within 5%.
            #expect(abs(a.memTotalKB - b.memTotalKB) <= max(a.memTotalKB, b.memTotalKB) / 20)
        }
        #expect(warnings.sentences.isEmpty)
    }

    @Test func liveSnapshotHasEveryOnlineCPUAndEveryPCIDevice() throws {
        let s = try HostProbe.snapshot(ProbeOptions())
        let onlineText = try String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8)
        let online = try CPUSet(cpulist: onlineText)
        let inCells = s.cells.reduce(CPUSet()) { $0.union($1.cpus).union($1.pcpus) }
        #expect(inCells == online)

        let nodeDirs = try FileManager.default.contentsOfDirectory(atPath: "/sys/devices/system/node")
            .filter { $0.hasPrefix("node") }.compactMap { Int($0.dropFirst(4)) }.sorted()
        #expect(s.cells.map(\.id) == nodeDirs)

        let hugeSizes = try FileManager.default.contentsOfDirectory(atPath: "/sys/kernel/mm/hugepages")
            .compactMap { Int($0.dropFirst("hugepages-".count).dropLast(2)) }.sorted()
        for cell in s.cells {
            #expect(Array(cell.mempages.map(\.sizeKB).dropFirst()) == hugeSizes)
        }

        let addresses = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/bus/pci/devices"))?.sorted() ?? []
        #expect(s.pciDevices.map(\.address) == addresses)
        // libpci filled every device, and names came from the system pci.ids
        // (a vendor missing from an old pci.ids must not fail the test).
        #expect(s.pciDevices.allSatisfy { $0.classCode != nil })
        #expect(s.pciDevices.isEmpty || s.pciDevices.contains { $0.vendorName != nil })
        #expect(!s.hostname.isEmpty && s.hostname != "unknown")
    }
}
