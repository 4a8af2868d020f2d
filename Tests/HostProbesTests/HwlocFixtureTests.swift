import Testing
@testable import HostProbes
import TrackerCore

/// Real machines' sysfs captures (hwloc's test suite). Every expected value
/// below was read off the tree's files (cpulist/cpumap, meminfo, distance,
/// thread_siblings_list, nr_hugepages, bus/pci/devices) or its SOURCES.md
/// row, not copied from restrack's output.
@Suite struct HwlocFixtureTests {
    /// Each capture lacks proc/sys/kernel/hostname; that is its one warning
    /// unless the test says otherwise.
    static let hostnameWarning = "proc/sys/kernel/hostname is missing"

    @Test func twoSocketSMTWithVectorEnginesAndSRIOVCapablePFs() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let s = try tree.snapshot()

        #expect(s.cells.map(\.id) == [0, 1])
        #expect(s.allCPUs(0) == Array(0...7) + Array(16...23))
        #expect(s.allCPUs(1) == Array(8...15) + Array(24...31))
        // `isolated` is empty and there is no config: everything is shared.
        #expect(s.cells.allSatisfy { $0.pcpus.isEmpty })
        // thread_siblings_list of cpuN is "N,N+16".
        #expect(s.cell(id: 0)?.siblings == (0...7).map { CPUSet([$0, $0 + 16]) })
        #expect(s.cell(id: 1)?.siblings == (8...15).map { CPUSet([$0, $0 + 16]) })
        #expect(s.cell(id: 0)?.socket == 0)
        #expect(s.cell(id: 1)?.socket == 1)
        #expect(s.cell(id: 0)?.distances == [0: 10, 1: 21])
        #expect(s.cell(id: 1)?.distances == [0: 21, 1: 10])
        // meminfo MemTotal: 47925628 kB and 49519964 kB.
        #expect(s.cell(id: 0)?.memoryMB == 47925628 / 1024)
        #expect(s.cell(id: 1)?.memoryMB == 49519964 / 1024)

        // 2048 × 2 MiB per node, all free; the 1 GiB size exists with no pages.
        for cell in [0, 1] {
            #expect(s.pool(cell, 2048)?.total == 2048)
            #expect(s.pool(cell, 2048)?.free == 2048)
            #expect(s.pool(cell, 2048)?.surplus == 0)
            #expect(s.pool(cell, 1048576)?.total == 0)
        }
        // Small pages: what is left of MemTotal after the hugepages, in 4 KiB pages.
        #expect(s.pool(0, 4)?.total == (47925628 - 2048 * 2048) / 4)

        #expect(s.pciDevices.count == 28)
        #expect(s.pciDevices.allSatisfy { $0.numaNode == 0 })
        let pfs = s.pciDevices.filter { $0.devType == .pf }
        #expect(pfs.map(\.address) == ["0000:60:00.0", "0000:60:00.1"])
        let pf = try #require(s.device("0000:60:00.0"))
        #expect(pf.vendorID == "8086" && pf.productID == "37d2")
        #expect(pf.sriovTotalVFs == 64 && pf.sriovNumVFs == 0)
        #expect(pf.driver == "i40e")
        #expect(pf.netInterfaces == ["enp96s0f0"])
        #expect(s.device("0000:60:00.1")?.netInterfaces == ["enp96s0f1"])
        // Names from the fixture pci.ids.
        #expect(pf.vendorName == "Intel Corporation")
        #expect(pf.deviceName == "Test X722 10GbE")
        #expect(pf.className == "Ethernet controller")
        #expect(pf.classCode == "0200")
        #expect(pf.subsystemVendorID == "15d9")
        #expect(pf.subsystemName == "Test Supermicro X722 board")
        #expect(s.pciDevices.filter { $0.vendorID == "15b3" && $0.productID == "1013" }.count == 2)
        let engines = s.pciDevices.filter { $0.vendorID == "1bcf" && $0.productID == "001c" }
        #expect(engines.count == 8)
        // The fixture name holds a BEL; it must come out escaped, not raw.
        #expect(engines.allSatisfy { $0.deviceName == "Vector\\x07Engine 1.0" })
        #expect(s.warnings.count == 1 && s.warnings[0].contains(Self.hostnameWarning))
    }

    @Test func twoNodeHostWithManyPCIDevicesAndMixedLocality() throws {
        let tree = try FixtureTree.hwloc("32em64t-2n8c+dax+nvme+mic+dimms", topDir: "32em64t-2n8c+1mic")
        defer { tree.remove() }
        let s = try tree.snapshot()

        #expect(s.cells.map(\.id) == [0, 1])
        #expect(s.allCPUs(0) == Array(0...7))
        #expect(s.allCPUs(1) == Array(8...15))
        // No SMT: every thread_siblings_list names only the CPU itself.
        #expect(s.cells.allSatisfy { $0.siblings.isEmpty })
        // 16-127 are possible but not present: they are not offline CPUs of a node.
        #expect(s.cells.allSatisfy { $0.offlineCPUs == [] })
        #expect(s.pool(0, 2048)?.total == 0)
        #expect(s.pool(1, 2048)?.total == 0)

        #expect(s.pciDevices.count == 137)
        // numa_node values in the tree: -1 ×93, 0 ×28, 1 ×16.
        #expect(s.pciDevices.filter { $0.numaNode == nil }.count == 93)
        #expect(s.pciDevices.filter { $0.numaNode == 0 }.count == 28)
        #expect(s.pciDevices.filter { $0.numaNode == 1 }.count == 16)
        let nvme = s.pciDevices.filter { $0.vendorID == "8086" && $0.productID == "0953" }
        #expect(nvme.count == 1 && nvme[0].numaNode == nil)
        let i350 = s.pciDevices.filter { $0.vendorID == "8086" && $0.productID == "1521" }
        #expect(i350.count == 2 && i350.allSatisfy { $0.numaNode == 0 })
        #expect(s.pciDevices.filter { $0.vendorID == "15b3" && $0.productID == "1003" }.map(\.numaNode) == [1])
        #expect(s.pciDevices.filter { $0.vendorID == "8086" && $0.productID == "225c" }.map(\.numaNode) == [1])
        #expect(s.pciDevices.allSatisfy { $0.devType == .pci })
        #expect(s.warnings.count == 1 && s.warnings[0].contains(Self.hostnameWarning))
    }

    @Test func fourNodesWithHugepagesOnEveryNode() throws {
        let tree = try FixtureTree.hwloc("16amd64-4n4c-cgroup-distance-merge")
        defer { tree.remove() }
        let s = try tree.snapshot()

        #expect(s.cells.map(\.id) == [0, 1, 2, 3])
        for i in 0..<4 {
            #expect(s.allCPUs(i) == Array((4 * i)..<(4 * i + 4)))
            #expect(s.pool(i, 2048)?.total == 512)
            #expect(s.pool(i, 2048)?.free == 512)
            #expect(s.cell(id: i)?.socket == i)
            var row: [Int: Int] = [:]
            for j in 0..<4 { row[j] = i == j ? 10 : 20 }
            #expect(s.cell(id: i)?.distances == row)
        }
        #expect(s.cell(id: 0)?.memoryMB == 8387892 / 1024)
        #expect(s.cell(id: 1)?.memoryMB == 8192)
        #expect(s.pciDevices.isEmpty)
        #expect(s.warnings.count == 1 && s.warnings[0].contains(Self.hostnameWarning))
    }

    @Test func sparseNodeIDsAreKept() throws {
        let tree = try FixtureTree.hwloc("48amd64-4pa2n6c-sparse", topDir: "48amd64-4d2n6c-sparse")
        defer { tree.remove() }
        let s = try tree.snapshot()

        let ids = [0, 1, 2, 33, 34, 45, 72, 73]
        #expect(s.cells.map(\.id) == ids)
        for (k, id) in ids.enumerated() {
            #expect(s.allCPUs(id) == Array((6 * k)..<(6 * k + 6)))
        }
        // The distance rows are in ascending id order: node33's row is
        // "22 16 16 10 16 16 22 22", node72's is "16 22 16 22 16 22 10 16".
        #expect(s.cell(id: 33)?.distances == [0: 22, 1: 16, 2: 16, 33: 10, 34: 16, 45: 16, 72: 22, 73: 22])
        #expect(s.cell(id: 72)?.distances?[73] == 16)
        #expect(s.cell(id: 72)?.distances?[72] == 10)
        #expect(s.cell(id: 1)?.memoryMB == 16384)
        #expect(s.warnings.count == 1 && s.warnings[0].contains(Self.hostnameWarning))
    }

    @Test func powerSMT4WithCpumapOnlyNodesAndSparseIDs() throws {
        let tree = try FixtureTree.hwloc("256ppc-8n8s4t")
        defer { tree.remove() }
        let s = try tree.snapshot()

        // Nodes have no cpulist, only a cpumap mask; no cpu/online file.
        let ids = [0, 1, 4, 5, 8, 9, 12, 13]
        #expect(s.cells.map(\.id) == ids)
        for (k, id) in ids.enumerated() {
            let base = 32 * k
            #expect(s.allCPUs(id) == Array(base..<(base + 32)))
            // thread_siblings_list of cpu5 is "4-7": SMT4 groups of four.
            #expect(s.cell(id: id)?.siblings == (0..<8).map { j in CPUSet((base + 4 * j)..<(base + 4 * j + 4)) })
            // physical_package_id is -1: no socket.
            #expect(s.cell(id: id)?.socket == nil)
            // No hugepages directory anywhere: only the small-page pool.
            #expect(s.cell(id: id)?.mempages.map(\.sizeKB) == [4])
        }
        #expect(s.cell(id: 12)?.distances?[13] == 20)
        #expect(s.cell(id: 12)?.distances?[0] == 40)
        #expect(s.cells.reduce(0) { $0 + $1.cpus.count } == 256)
        #expect(s.warnings.count == 1 && s.warnings[0].contains(Self.hostnameWarning))
    }

    @Test func gpuMemoryNodesWithoutCPUsAreKept() throws {
        let tree = try FixtureTree.hwloc("nvidiagpunumanodes")
        defer { tree.remove() }
        let s = try tree.snapshot()

        #expect(s.cells.map(\.id) == [0, 8, 250, 251, 252, 253, 254, 255])
        // node0 lists 0-87 and node8 88-175, but only 0-15 and 88-103 are online.
        #expect(s.allCPUs(0) == Array(0...15))
        #expect(s.allCPUs(8) == Array(88...103))
        #expect(s.cell(id: 0)?.siblings == [CPUSet(0...3), CPUSet(4...7), CPUSet(8...11), CPUSet(12...15)])
        for id in 250...255 {
            #expect(s.allCPUs(id).isEmpty)
            #expect(s.cell(id: id)?.memoryMB == 15360)
            #expect(s.cell(id: id)?.socket == nil)
        }
        #expect(s.cell(id: 250)?.distances?[0] == 80)
        #expect(s.cell(id: 0)?.distances?[8] == 40)
        #expect(s.pool(0, 2048)?.total == 0 && s.pool(0, 1048576)?.total == 0)

        // Six GPU dirs hold only `class` and `local_cpus`: listed, but with
        // unknown ids they cannot be claimed; one warning each.
        #expect(s.pciDevices.count == 6)
        #expect(s.pciDevices.allSatisfy { $0.status == .unclaimable && $0.numaNode == nil && $0.classCode == "0300" })
        #expect(s.warnings.filter { $0.contains("has no readable vendor and device ids") }.count == 6)
    }

    @Test func offlineNodeAndOfflineCPUs() throws {
        let tree = try FixtureTree.hwloc("offline-cpu0-node0")
        defer { tree.remove() }
        let s = try tree.snapshot()

        // Only node1 has a directory; it lists the odd CPUs 1-23, of which
        // cpu/online (4-20) leaves 5-19.
        #expect(s.cells.map(\.id) == [1])
        #expect(s.allCPUs(1) == [5, 7, 9, 11, 13, 15, 17, 19])
        #expect(s.cell(id: 1)?.offlineCPUs == [1, 3, 21, 23])
        #expect(s.cell(id: 1)?.memoryMB == 65536)
        #expect(s.cell(id: 1)?.socket == 1)
        // node/online is "1" but the row has two entries: it follows node/possible (0-1).
        #expect(s.cell(id: 1)?.distances == [0: 21, 1: 10])
        // The even online CPUs belong to the offline node 0: no cell, one warning.
        #expect(s.warnings.contains { $0.contains("CPUs 4,6,8,10,12,14,16,18,20 are online but no NUMA node") })
        #expect(s.warnings.count == 2)
    }
}
