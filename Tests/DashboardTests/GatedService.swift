import Dashboard
import Dispatch
import TrackerCore

/// A claim service whose writes wait for `gate`, like a ledger whose write
/// lock another process holds.
final class GatedService: ClaimService {
    let inner: InMemoryClaimService
    let gate: DispatchSemaphore

    init(_ inner: InMemoryClaimService, gate: DispatchSemaphore) {
        self.inner = inner
        self.gate = gate
    }

    func state() throws -> HostState { try inner.state() }
    func preview(_ request: Request) -> Decision { inner.preview(request) }
    func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim {
        gate.wait()
        return try inner.claim(request, consumer: consumer, ttl: ttl)
    }
    func confirm(_ id: String) throws {
        gate.wait()
        try inner.confirm(id)
    }
    func release(_ id: String, reason: String) throws { try inner.release(id, reason: reason) }
    func releaseStuck(_ ids: [String]) throws -> [String] { try inner.releaseStuck(ids) }
}
