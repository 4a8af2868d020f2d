import Dashboard
import Foundation
import Logging
import TrackerCore

/// Small hosts and claims built in code, so each test's expected text can
/// be reasoned from the state it sets up.
enum Fixtures {
    static let now: Double = 1_800_000_000

    /// One cell: CPUs 0-1 shared, 2-7 dedicated (cores 2/6, 3/7, 4/… as
    /// siblings), 2M and 1G pools, one PF with two VFs.
    static func smallHost(pagesUsed2M: Int = 0) -> HostSnapshot {
        let cell = NUMACell(
            id: 0, socket: 0, cpus: [0, 1], pcpus: [2, 3, 4, 5, 6, 7],
            siblings: [[0, 1], [2, 3], [4, 5], [6, 7]], memoryMB: 16384,
            mempages: [PagePool(sizeKB: 4, total: 1_048_576), PagePool(sizeKB: 2048, total: 1024, used: pagesUsed2M),
                       PagePool(sizeKB: 1_048_576, total: 4)],
            distances: [0: 10])
        var pf = PCIDevice(address: "0000:3b:00.0", vendorID: "8086", productID: "1592", devType: .pf, numaNode: 0)
        pf.deviceName = "E810-C"
        pf.sriovNumVFs = 2
        pf.sriovTotalVFs = 8
        var vf0 = PCIDevice(address: "0000:3b:01.0", vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0,
                            parentAddr: "0000:3b:00.0")
        vf0.deviceName = "E810 VF"
        var vf1 = vf0
        vf1.address = "0000:3b:01.1"
        return HostSnapshot(hostname: "test-host", cells: [cell], pciDevices: [pf, vf0, vf1],
                            pciAliases: [PCIAlias(name: "e810-vf", vendorID: "8086", productID: "1889", deviceType: .vf),
                                         PCIAlias(name: "e810-pf", vendorID: "8086", productID: "1592", deviceType: .pf)])
    }

    static func claim(_ id: String, consumer: String, cpus: [Int] = [], devices: [String] = [], age: Double,
                      ttl: Int = 600, state: ClaimState = .claimed, pageKB: Int? = nil, memoryMB: Int = 1024) -> Claim {
        var pins: [Int: Int] = [:]
        for (v, c) in cpus.enumerated() { pins[v] = c }
        let cell = DecisionCell(guestCell: 0, hostCell: 0, vcpus: Array(0..<max(1, cpus.count)), memoryMB: memoryMB,
                                pinning: pins, pagesizeKB: pageKB)
        let request = Request(vcpus: max(1, cpus.count), memoryMB: memoryMB, cpuPolicy: cpus.isEmpty ? .shared : .dedicated)
        let decision = Decision(fits: true, cells: [cell], pciDevices: devices)
        return Claim(id: id, consumer: Consumer(name: consumer), request: request, decision: decision,
                     usage: Tracker.usage(of: decision, for: request, on: smallHost()), state: state,
                     createdAt: now - age, ttlSeconds: ttl)
    }

    static func model(_ host: HostSnapshot, claims: [Claim] = []) -> DashboardModel {
        var m = DashboardModel()
        m.host = Tracker.state(snapshot: host, claims: claims, now: now, processStartTime: nil)
        m.now = now
        m.clock = "12:00:00"
        return m
    }

    static func service(_ host: HostSnapshot, claims: [Claim] = []) -> InMemoryClaimService {
        InMemoryClaimService(snapshot: { host }, claims: claims, clock: { now })
    }

    static func controller(_ s: InMemoryClaimService) -> SyncController {
        SyncController(controller: Controller(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })),
                       service: s)
    }

    static func example(_ name: String) throws -> HostSnapshot {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/hosts/\(name).json")
        return try ContractJSON.decode(HostSnapshot.self, from: try Data(contentsOf: url), document: name)
    }

    static func render(_ m: DashboardModel, _ w: Int = 160, _ h: Int = 50, glyphs: Glyphs = .unicode) -> Canvas {
        Screen.render(m, width: w, height: h, glyphs: glyphs)
    }
}
