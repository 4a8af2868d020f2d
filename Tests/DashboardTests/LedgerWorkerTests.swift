import Dashboard
import Dispatch
import Foundation
import Synchronization
import Testing
import TrackerCore

@Suite struct LedgerWorkerTests {
    /// Submitting never waits for the service; outcomes come back in order
    /// once the blocked write is let through, and a poll asked for twice
    /// meanwhile runs once.
    @Test func submitReturnsWhileAWriteIsBlocked() throws {
        let gate = DispatchSemaphore(value: 0)
        let claim = Fixtures.claim("c1", consumer: "vm", cpus: [2], age: 60)
        let wakes = Atomic<Int>(0)
        let worker = LedgerWorker(service: GatedService(Fixtures.service(Fixtures.smallHost(), claims: [claim]), gate: gate),
                                  notify: { wakes.add(1, ordering: .relaxed) })
        worker.start()
        let started = Date()
        worker.submit(.write(.confirm(id: "c1", consumer: "vm")))
        worker.submit(.poll)
        worker.submit(.poll)
        #expect(Date().timeIntervalSince(started) < 0.5, "submit waited for the service")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(worker.take().isEmpty, "nothing can finish while the write is blocked")
        gate.signal()
        var outcomes: [LedgerWorker.Outcome] = []
        let deadline = Date().addingTimeInterval(10)
        while outcomes.count < 2 && Date() < deadline {
            outcomes += worker.take()
            Thread.sleep(forTimeInterval: 0.01)
        }
        Thread.sleep(forTimeInterval: 0.2)
        outcomes += worker.take()
        try #require(outcomes.count == 2, "one write and one poll: \(outcomes)")
        guard case .wrote(.confirm(let id, _), .done) = outcomes[0] else { Issue.record("first: \(outcomes[0])"); return }
        #expect(id == "c1")
        guard case .polled(.success(let host)) = outcomes[1] else { Issue.record("second: \(outcomes[1])"); return }
        #expect(host.claims.first { $0.id == "c1" }?.state == .confirmed, "the poll ran after the write")
        #expect(wakes.load(ordering: .relaxed) == 2, "the loop is woken once per outcome")
    }

    /// The poll after a write or on resuming (`.fullPoll`) asks the service
    /// for a full read; the periodic one for `state`, which may keep the
    /// host's structure between polls.
    @Test func aFullPollAsksForAFullRead() throws {
        let counts = TierCountingService.Counts()
        let worker = LedgerWorker(service: TierCountingService(Fixtures.service(Fixtures.smallHost(), claims: []),
                                                               counts: counts),
                                  notify: {})
        worker.start()
        worker.submit(.fullPoll)
        var outcomes: [LedgerWorker.Outcome] = []
        let deadline = Date().addingTimeInterval(10)
        while outcomes.isEmpty && Date() < deadline {
            outcomes += worker.take()
            Thread.sleep(forTimeInterval: 0.01)
        }
        try #require(outcomes.count == 1)
        guard case .polled(.success) = outcomes[0] else { Issue.record("\(outcomes[0])"); return }
        #expect(counts.fullPolls.load(ordering: .relaxed) == 1)
        #expect(counts.polls.load(ordering: .relaxed) == 0)
    }
}
