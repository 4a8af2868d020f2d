import Dashboard
import Foundation
import TrackerCore

/// Claims kept in memory, for tests: the same `Tracker` transitions and
/// `ClaimStateDerivation` as the ledger, with no persistence and no audit
/// log (a release's reason goes to the claim's note, so tests can read it).
final class InMemoryClaimService: ClaimService {
    typealias FitFunction = (Request, HostSnapshot) -> Decision

    private let snapshotSource: () throws -> HostSnapshot
    private let fit: FitFunction
    private let clock: () -> Double
    private(set) var claims: [Claim]
    private var counter = 0

    init(snapshot: @escaping () throws -> HostSnapshot, fit: @escaping FitFunction = { Fitter.fit($0, on: $1) },
                claims: [Claim] = [],
                clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        snapshotSource = snapshot
        self.fit = fit
        self.claims = claims
        self.clock = clock
    }

    func state() throws -> HostState {
        ClaimStateDerivation.derive(snapshot: try snapshotSource(), claims: claims,
                                    observations: Observations(now: clock()))
    }

    func preview(_ request: Request) -> Decision {
        do {
            return fit(request, try state().effective)
        } catch {
            return .noFit("host snapshot unavailable: \(error)")
        }
    }

    func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim {
        let snapshot = try snapshotSource()
        let decision = fit(request, try state().effective)
        guard decision.fits else { throw ClaimServiceError(decision.reason ?? "does not fit") }
        counter += 1
        let digits = String(counter, radix: 36)
        let id = "m" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        let c = try Tracker.claim(id: id, consumer: consumer, request: request, decision: decision, on: snapshot,
                                  at: clock(), ttlSeconds: ttl, note: nil)
        claims.append(c)
        return c
    }

    func confirm(_ id: String) throws {
        guard let i = claims.firstIndex(where: { $0.id == id && $0.state.isLive }) else {
            throw ClaimServiceError("no live claim \(id)")
        }
        claims[i] = try Tracker.confirm(claims[i], at: clock())
    }

    func release(_ id: String, reason: String) throws {
        guard let i = claims.firstIndex(where: { $0.id == id && $0.state.isLive }) else {
            throw ClaimServiceError("no live claim \(id)")
        }
        claims[i] = try Tracker.release(claims[i], at: clock())
        claims[i].note = reason
    }

    func releaseStuck(_ ids: [String]) throws -> [String] {
        let stuck = try state().stuck
        var done: [String] = []
        for id in ids where stuck[id] != nil {
            try release(id, reason: "released as stuck from the dashboard")
            done.append(id)
        }
        return done
    }
}
