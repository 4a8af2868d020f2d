import Dashboard
import Foundation
import Ledger
import Testing
import TrackerCore
@testable import restrack

/// The periodic poll takes the display's snapshot (which the loader may
/// keep between polls); a full poll, a preview and a claim always take the
/// freshly loaded one, so nothing is decided on a kept snapshot.
@Suite struct LedgerClaimServiceSnapshotTests {
    typealias S = LedgerClaimServiceTests

    @Test func onlyThePeriodicPollTakesTheDisplaySnapshot() throws {
        let dir = S.Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        nonisolated(unsafe) var loads = 0
        nonisolated(unsafe) var shown = 0
        // The kept snapshot has 400 pages; the host has 100 now.
        let service = try LedgerClaimService(ledger: book, snapshot: {
            loads += 1
            return S.host(hugepages: 100)
        }, displaySnapshot: {
            shown += 1
            return S.host(hugepages: 400)
        })
        let polled = try service.state()
        #expect(shown == 1 && loads == 0)
        #expect(polled.snapshot.cells.first?.mempages.first { $0.sizeKB == 2048 }?.total == 400)
        let full = try service.fullState()
        #expect(loads == 1)
        #expect(full.snapshot.cells.first?.mempages.first { $0.sizeKB == 2048 }?.total == 100)
        // 200 pages of 2 MiB fit the kept snapshot, not the host now.
        let preview = service.preview(S.pinned(memoryMB: 400, pages: .kib(2048)))
        #expect(loads == 2)
        #expect(!preview.fits)
        #expect(shown == 1)
    }
}
