import Dashboard
import Synchronization
import TrackerCore

/// A claim service that counts periodic polls (`state`) and full ones
/// (`fullState`) apart, for the worker's `.fullPoll`.
final class TierCountingService: ClaimService {
    /// Shared with the test, which reads them while the worker runs.
    final class Counts: Sendable {
        let polls = Atomic<Int>(0)
        let fullPolls = Atomic<Int>(0)
    }

    let inner: InMemoryClaimService
    let counts: Counts

    init(_ inner: InMemoryClaimService, counts: Counts) {
        self.inner = inner
        self.counts = counts
    }

    func state() throws -> HostState {
        counts.polls.add(1, ordering: .relaxed)
        return try inner.state()
    }
    func fullState() throws -> HostState {
        counts.fullPolls.add(1, ordering: .relaxed)
        return try inner.state()
    }
    func preview(_ request: Request) -> Decision { inner.preview(request) }
    func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim {
        try inner.claim(request, consumer: consumer, ttl: ttl)
    }
    func confirm(_ id: String) throws { try inner.confirm(id) }
    func release(_ id: String, reason: String) throws { try inner.release(id, reason: reason) }
    func releaseStuck(_ ids: [String]) throws -> [String] { try inner.releaseStuck(ids) }
}
