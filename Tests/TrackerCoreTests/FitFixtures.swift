@testable import TrackerCore

/// Small builders for hand-written fitting cases, in the contract's terms.
enum FitFixtures {
    static func cell(_ id: Int, cpus: [Int] = [], pcpus: [Int], siblings: [[Int]] = [], memoryMB: Int = 4096,
                     pinned: [Int] = [], cpuUsage: Int = 0, memoryUsageMB: Int = 0, pages: [PagePool] = [],
                     socket: Int? = 0) -> NUMACell {
        NUMACell(id: id, socket: socket, cpus: CPUSet(cpus), pcpus: CPUSet(pcpus), siblings: siblings.map { CPUSet($0) },
                 memoryMB: memoryMB, cpuUsage: cpuUsage, memoryUsageMB: memoryUsageMB, pinnedCPUs: CPUSet(pinned),
                 mempages: pages)
    }

    /// 4 KiB pages covering `mb` MiB, none used.
    static func smallPages(_ mb: Int, used: Int = 0) -> PagePool {
        PagePool(sizeKB: 4, total: mb * 256, used: used)
    }

    static func host(_ cells: [NUMACell], cpuRatio: Double = 2, ramRatio: Double = 2, devices: [PCIDevice] = [],
                     aliases: [PCIAlias] = []) -> HostSnapshot {
        HostSnapshot(hostname: "test", cpuAllocationRatio: cpuRatio, ramAllocationRatio: ramRatio, cells: cells,
                     pciDevices: devices, pciAliases: aliases)
    }

    static func dedicated(_ vcpus: Int, memoryMB: Int, thread: CPUThreadPolicy? = nil,
                          emulator: EmulatorThreadsPolicy? = nil, nodes: Int? = nil, numaCPUs: [[Int]]? = nil,
                          numaMem: [Int]? = nil, pageSize: PageSizeRequest? = nil,
                          pci: [PCIRequestSpec] = []) -> Request {
        Request(vcpus: vcpus, memoryMB: memoryMB, cpuPolicy: .dedicated, cpuThreadPolicy: thread,
                emulatorThreadsPolicy: emulator, numaNodes: nodes, numaCPUs: numaCPUs.map { $0.map { .list($0) } },
                numaMemMB: numaMem, memPageSize: pageSize, pciRequests: pci)
    }

    static func gpu(_ address: String, node: Int?, vendor: String = "10de", product: String = "2330") -> PCIDevice {
        PCIDevice(address: address, vendorID: vendor, productID: product, devType: .pci, numaNode: node)
    }

    /// The guest vCPU → host CPU pinning of every cell, merged.
    static func pins(_ d: Decision) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for c in d.cells { out.merge(c.pinning) { a, _ in a } }
        return out
    }

    /// Host cell of each guest cell, by guest cell.
    static func hostCells(_ d: Decision) -> [Int] {
        d.cells.sorted { $0.guestCell < $1.guestCell }.map(\.hostCell)
    }
}
