import Testing
@testable import TrackerCore

/// `pool-shrunk` must mean the host lost pages, not that guests the fitter
/// never gated by page counts add up to more small pages than the pool has.
@Suite struct TrackerPoolShrinkTests {
    /// One cell of 4096 MiB: 2 GiB as 4 KiB pages (524288) and 2 GiB as
    /// 1024 × 2 MiB hugepages; shared CPUs 0-3.
    static let host = HostSnapshot(
        hostname: "t", cpuAllocationRatio: 4, ramAllocationRatio: 1,
        cells: [NUMACell(id: 0, cpus: [0, 1, 2, 3], pcpus: [], siblings: [], memoryMB: 4096,
                         mempages: [PagePool(sizeKB: 4, total: 524_288), PagePool(sizeKB: 2048, total: 1024)])],
        pciDevices: [])

    /// A shared guest with one guest NUMA cell and no page size: Nova gates
    /// it by the cell's memory (4096 MiB × ratio 1.0), not by 4 KiB pages,
    /// and charges its memory to the smallest pool.
    static let guest = Request(vcpus: 1, memoryMB: 1536, cpuPolicy: .shared, numaNodes: 1)

    @Test func implicitSmallPagesBeyondThePoolAreNotAShrink() throws {
        var claims: [Claim] = []
        var host = Self.host
        for (i, id) in ["a", "b"].enumerated() {
            let decision = Fitter.fit(Self.guest, on: host)
            // 1536 + 1536 = 3072 MiB ≤ 4096 MiB: both fit.
            #expect(decision.fits, "\(id): \(decision.reason ?? "")")
            let claim = try Tracker.claim(id: id, consumer: Consumer(name: id), request: Self.guest, decision: decision,
                                          on: Self.host, at: 1000 + Double(i), ttlSeconds: 600, note: nil,
                                          confirmed: true)
            claims.append(claim)
            host = Tracker.state(snapshot: Self.host, claims: claims, now: 1002, processStartTime: nil).effective
        }
        // Each holds 1536 MiB / 4 KiB = 393216 small pages; together 786432,
        // more than the 524288 the pool has, yet nothing left the host.
        #expect(claims.map { $0.usage.cells.first?.pages } == [393_216, 393_216])
        let state = Tracker.state(snapshot: Self.host, claims: claims, now: 1002, processStartTime: nil)
        #expect(state.stuck.isEmpty)
        #expect(state.effective.cells[0].mempages[0].used == 786_432)   // still accounted
    }

    @Test func explicitHugepagesStillFlagARealShrink() throws {
        let request = Request(vcpus: 1, memoryMB: 1024, cpuPolicy: .shared, numaNodes: 1, memPageSize: .kib(2048))
        let decision = Fitter.fit(request, on: Self.host)
        #expect(decision.cells.first?.pagesizeKB == 2048)
        let claim = try Tracker.claim(id: "h", consumer: Consumer(name: "h"), request: request, decision: decision,
                                      on: Self.host, at: 1000, ttlSeconds: 600, note: nil, confirmed: true)
        // 1024 MiB = 512 hugepages; the pool drops from 1024 to 500 pages.
        var shrunk = Self.host
        shrunk.cells[0].mempages[1].total = 500
        let state = Tracker.state(snapshot: shrunk, claims: [claim], now: 1001, processStartTime: nil)
        #expect(state.stuck["h"] == [.poolShrunk(cell: 0, sizeKB: 2048, missingPages: 12)])
    }
}
