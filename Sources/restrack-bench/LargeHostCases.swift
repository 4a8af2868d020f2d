import TrackerCore

/// Large-host fitting cases: cells of 64 pcpus (32 cores × 2 SMT threads),
/// as the oracle's bench_large.py builds them (its 8-cell cases are the same
/// scenarios, so Nova's times compare directly), plus 16-cell hosts and a
/// host with 2,048 VFs.
enum LargeHostCases {
    struct Case {
        var name: String
        var cells: Int
        var nodes: Int
        var host: HostSnapshot
        var request: Request
        /// bench_large.py's key for the same scenario, when it has one.
        var novaKey: String?
    }

    static let cores = 32, threads = 2

    static func host(cells n: Int) -> HostSnapshot {
        let totalCores = n * cores
        var cells: [NUMACell] = []
        for c in 0..<n {
            let coreList = (0..<cores).map { k in (0..<threads).map { t in t * totalCores + c * cores + k } }
            cells.append(NUMACell(
                id: c, socket: c / 4, cpus: [], pcpus: CPUSet(coreList.flatMap { $0 }),
                siblings: coreList.map { CPUSet($0) }, memoryMB: 262_144,
                mempages: [PagePool(sizeKB: 4, total: (262_144 - 65_536) * 256),
                           PagePool(sizeKB: 2048, total: 16_384), PagePool(sizeKB: 1_048_576, total: 32)]))
        }
        return HostSnapshot(hostname: "bench", cpuAllocationRatio: 4, ramAllocationRatio: 1, cells: cells)
    }

    static func request(nodes: Int, vcpus: Int, memoryMB: Int, numaCPUs: [[Int]]? = nil, numaMem: [Int]? = nil,
                        pci: [PCIRequestSpec] = []) -> Request {
        Request(vcpus: vcpus, memoryMB: memoryMB, cpuPolicy: .dedicated, cpuThreadPolicy: .prefer, numaNodes: nodes,
                numaCPUs: numaCPUs.map { $0.map { .list($0) } }, numaMemMB: numaMem, memPageSize: .large,
                pciRequests: pci)
    }

    static func cellsList(_ sizes: [Int]) -> ([[Int]], Int) {
        var out: [[Int]] = []
        var i = 0
        for s in sizes {
            out.append(Array(i..<(i + s)))
            i += s
        }
        return (out, i)
    }

    static func gpuHost(cells: Int) -> HostSnapshot {
        var h = host(cells: cells)
        h.pciDevices = (0..<cells).map { c in
            PCIDevice(address: String(format: "0000:%02x:00.0", 0x10 + c), vendorID: "10de", productID: "2330",
                      devType: .pci, numaNode: c)
        }
        h.pciAliases = [PCIAlias(name: "gpu", vendorID: "10de", productID: "2330", deviceType: .pci,
                                 numaPolicy: .required)]
        return h
    }

    /// 16 PFs of 128 VFs each (2,048 VFs), PF i on cell i mod cells.
    static func vfHost(cells: Int) -> HostSnapshot {
        var h = host(cells: cells)
        var devs: [PCIDevice] = []
        for pf in 0..<16 {
            let bus = 0x20 + pf
            let pfAddr = String(format: "0000:%02x:00.0", bus)
            devs.append(PCIDevice(address: pfAddr, vendorID: "8086", productID: "1592", devType: .pf,
                                  numaNode: pf % cells, physicalNetwork: "physnet0"))
            for vf in 0..<128 {
                devs.append(PCIDevice(address: String(format: "0000:%02x:%02x.%d", bus, 1 + vf / 8, vf % 8),
                                      vendorID: "8086", productID: "1889", devType: .vf, numaNode: pf % cells,
                                      physicalNetwork: "physnet0", parentAddr: pfAddr))
            }
        }
        h.pciDevices = devs
        h.pciAliases = [PCIAlias(name: "vf", vendorID: "8086", productID: "1889", deviceType: .vf,
                                 numaPolicy: .required)]
        return h
    }

    static func all() -> [Case] {
        var out: [Case] = []
        for cells in [8, 16] {
            for nodes in [1, 2, 4, 8] {
                let key = { (name: String) in cells == 8 && (nodes == 4 || nodes == 8) ? "\(name)-\(nodes)" : nil }
                out.append(Case(name: "fit-empty", cells: cells, nodes: nodes, host: host(cells: cells),
                                request: request(nodes: nodes, vcpus: 8 * nodes, memoryMB: 8192 * nodes),
                                novaKey: key("fit-empty")))
                // All cells but the last nearly full (8 free pcpus); guest
                // cell 0 needs 4, the others 16: only one of them fits.
                var combo = host(cells: cells)
                for i in 0..<(cells - 1) {
                    combo.cells[i].pinnedCPUs = CPUSet(combo.cells[i].pcpus.sorted.prefix(56))
                }
                let (comboCPUs, comboN) = cellsList([4] + Array(repeating: 16, count: nodes - 1))
                out.append(Case(name: "nofit-combo", cells: cells, nodes: nodes, host: combo,
                                request: request(nodes: nodes, vcpus: comboN, memoryMB: 4096 * nodes,
                                                 numaCPUs: comboCPUs, numaMem: Array(repeating: 4096, count: nodes)),
                                novaKey: key("nofit-combo")))
                // The last guest cell (65 vCPUs) fits no host cell (64).
                let (lastCPUs, lastN) = cellsList(Array(repeating: 8, count: nodes - 1) + [65])
                out.append(Case(name: "nofit-last", cells: cells, nodes: nodes, host: host(cells: cells),
                                request: request(nodes: nodes, vcpus: lastN, memoryMB: 4096 * nodes,
                                                 numaCPUs: lastCPUs, numaMem: Array(repeating: 4096, count: nodes)),
                                novaKey: key("nofit-last")))
                out.append(Case(name: "fit-pci", cells: cells, nodes: nodes, host: gpuHost(cells: cells),
                                request: request(nodes: nodes, vcpus: 8 * nodes, memoryMB: 8192 * nodes,
                                                 pci: [PCIRequestSpec(alias: "gpu", count: nodes)]),
                                novaKey: key("fit-pci")))
                // One GPU more than the guest's cells can be affine to.
                out.append(Case(name: "nofit-pci", cells: cells, nodes: nodes, host: gpuHost(cells: cells),
                                request: request(nodes: nodes, vcpus: 8 * nodes, memoryMB: 8192 * nodes,
                                                 pci: [PCIRequestSpec(alias: "gpu", count: nodes + 1)]),
                                novaKey: key("nofit-pci")))
                // 2,048 VFs: as many as the guest's cells reach, then one more.
                let reach = min(nodes, cells) * (16 / cells > 0 ? 16 / cells : 1) * 128
                out.append(Case(name: "fit-vf", cells: cells, nodes: nodes, host: vfHost(cells: cells),
                                request: request(nodes: nodes, vcpus: 8 * nodes, memoryMB: 8192 * nodes,
                                                 pci: [PCIRequestSpec(alias: "vf", count: min(reach, 4 * nodes))]),
                                novaKey: nil))
                out.append(Case(name: "nofit-vf", cells: cells, nodes: nodes, host: vfHost(cells: cells),
                                request: request(nodes: nodes, vcpus: 8 * nodes, memoryMB: 8192 * nodes,
                                                 pci: [PCIRequestSpec(alias: "vf", count: reach + 1)]),
                                novaKey: nil))
            }
        }
        return out
    }
}
