import Foundation
import Ledger
import Placement
import Testing
import TestSupport
import TrackerCore

/// Placement and the fitter agree on the published tree: for requests in
/// the class Placement can express (pinned vCPUs, one large page size, one
/// VF with NUMA affinity required, all in one cell), `GET
/// /allocation_candidates` with `same_subtree` finds a candidate exactly
/// when the fitter fits the request on the host with the same claims.
@Suite(.serialized, .placement) struct PlacementFitAgreementTests {
    var server: PlacementServer? { WithPlacement.current }

    @Test func allocationCandidatesAgreeWithTheFitter() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        var rng = SeededRandom.environmentSeed.map { SeededRandom(fixed: $0) } ?? SeededRandom(fixed: 1313)
        // Claims that leave the cells unequal: cell 0 and 2 (the cells with
        // PFs) lose CPUs and 1G pages.
        for i in 0..<5 {
            _ = run.claim(PlacementSyncTests.requests[[0, 2, 0, 0, 2][i]], consumer: "vm-\(i)")
        }
        #expect(run.sync(server.url, name: "fit").status == 0)
        let host = try JSONDecoder().decode(HostSnapshot.self,
                                            from: Data(contentsOf: URL(fileURLWithPath: RestrackRun.exampleHost)))
        let state = try Ledger.open(path: run.ledger).state(snapshot: host, processStartTime: nil)
        let api = RawPlacement(url: server.url)
        var fits = 0, agreed = 0
        for n in 0..<200 {
            let vcpus = Int.random(in: 1...18, using: &rng)
            let big = Bool.random(using: &rng)
            let sizeKB = big ? 1_048_576 : 2048
            let memoryMB = big ? 1024 * Int.random(in: 1...16, using: &rng) : 512 * Int.random(in: 1...17, using: &rng)
            let json = #"{"vcpus":\#(vcpus),"memory_mb":\#(memoryMB),"cpu_policy":"dedicated","numa_nodes":1,"mem_page_size":"\#(big ? "1GB" : "2MB")","pci_requests":[{"vendor_id":"8086","product_id":"1889","device_type":"type-VF","numa_policy":"required","count":1}]}"#
            let request = try JSONDecoder().decode(Request.self, from: Data(json.utf8))
            let fitter = Fitter.fit(request, on: state.effective).fits
            let query = "/allocation_candidates?resources_C=PCPU:\(vcpus)&resources_M=MEMORY_MB:\(memoryMB)"
                + "&required_M=CUSTOM_MEMORY_PAGE_SIZE_\(sizeKB)&resources_P=CUSTOM_PCI_8086_1889:1"
                + "&same_subtree=_C,_M,_P&group_policy=none&limit=1"
            let candidates = try api.get(query)["allocation_requests"] as? [Any] ?? []
            #expect(fitter == !candidates.isEmpty, "request \(n) (\(rng.label)): \(json) fitter \(fitter), Placement \(candidates.count)")
            if fitter { fits += 1 }
            if fitter == !candidates.isEmpty { agreed += 1 }
        }
        // Both answers occur, or the comparison proves little.
        #expect(fits > 20 && fits < 180, "\(fits) of 200 fit")
        #expect(agreed == 200)
    }
}
