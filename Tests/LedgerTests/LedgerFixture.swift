import Foundation
import Ledger
import TrackerCore

/// A private temporary directory and a small simulated host for ledger tests.
struct LedgerFixture {
    let dir: String
    var path: String { dir + "/ledger.sqlite" }

    init() {
        // 0700, as a real ledger directory would be (the ledger refuses
        // directories others can write).
        dir = NSTemporaryDirectory() + "/restrack-ledger-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }

    static let actor = LedgerActor(uid: 0, user: "tester", pid: 1, host: "testhost")

    static let pf = "0000:3b:00.0", vf0 = "0000:3b:01.0", vf1 = "0000:3b:01.1"

    /// One cell: shared 0-1, dedicated 2-5 (cores {2,4} {3,5}), 8 GiB, a
    /// 4 KiB pool and 1024 2 MiB pages; a PF with two VFs (bound to iavf).
    static func host(shared: CPUSet = [0, 1], pcpus: CPUSet = [2, 3, 4, 5], hugepages: Int = 1024, hugeFree: Int? = nil,
                     vfDriver: String? = "iavf", devices: Bool = true) -> HostSnapshot {
        var vfs = [
            PCIDevice(address: vf0, vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0, parentAddr: pf),
            PCIDevice(address: vf1, vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0, parentAddr: pf),
        ]
        for i in vfs.indices { vfs[i].driver = vfDriver }
        return HostSnapshot(
            hostname: "sim", cells: [
                NUMACell(id: 0, cpus: shared, pcpus: pcpus, siblings: [[2, 4], [3, 5]], memoryMB: 8192,
                         mempages: [PagePool(sizeKB: 4, total: 2_097_152),
                                    PagePool(sizeKB: 2048, total: hugepages, free: hugeFree)]),
            ],
            pciDevices: devices ? [PCIDevice(address: pf, vendorID: "8086", productID: "1592", devType: .pf, numaNode: 0)] + vfs : [],
            pciAliases: [PCIAlias(name: "vf", vendorID: "8086", productID: "1889", deviceType: .vf),
                         PCIAlias(name: "pf", vendorID: "8086", productID: "1592", deviceType: .pf)])
    }

    static func pinned(_ n: Int, memoryMB: Int = 512, pages: PageSizeRequest? = nil, pci: [PCIRequestSpec] = [],
                       thread: CPUThreadPolicy? = nil) -> Request {
        Request(vcpus: n, memoryMB: memoryMB, cpuPolicy: .dedicated, cpuThreadPolicy: thread, memPageSize: pages,
                pciRequests: pci)
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }
}
