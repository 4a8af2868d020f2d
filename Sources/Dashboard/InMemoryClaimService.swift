import Foundation
import TrackerCore

/// Claims kept in memory, for tests: the same `Tracker` transitions and
/// `HostState` as the ledger, with no persistence and no audit log.
public final class InMemoryClaimService: ClaimService {
    public typealias FitFunction = (Request, HostSnapshot) -> Decision

    private let snapshotSource: () throws -> HostSnapshot
    private let fit: FitFunction
    private let clock: () -> Double
    public private(set) var claims: [Claim]
    private var counter = 0

    public init(snapshot: @escaping () throws -> HostSnapshot, fit: @escaping FitFunction = { Fitter.fit($0, on: $1) },
                claims: [Claim] = [],
                clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        snapshotSource = snapshot
        self.fit = fit
        self.claims = claims
        self.clock = clock
    }

    public func state() throws -> HostState {
        Tracker.state(snapshot: try snapshotSource(), claims: claims, now: clock(), processStartTime: nil)
    }

    public func preview(_ request: Request) -> Decision {
        do {
            return fit(request, try state().effective)
        } catch {
            return .noFit("host snapshot unavailable: \(error)")
        }
    }

    public func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim {
        let snapshot = try snapshotSource()
        let decision = fit(request, try state().effective)
        guard decision.fits else { throw ClaimServiceError(decision.reason ?? "does not fit") }
        counter += 1
        let id = "m" + String(counter, radix: 36).leftPadded(to: 5)
        let c = try Tracker.claim(id: id, consumer: consumer, request: request, decision: decision, on: snapshot,
                                  at: clock(), ttlSeconds: ttl, note: nil)
        claims.append(c)
        return c
    }

    public func confirm(_ id: String) throws {
        guard let i = claims.firstIndex(where: { $0.id == id && $0.state.isLive }) else {
            throw ClaimServiceError("no live claim \(id)")
        }
        claims[i] = try Tracker.confirm(claims[i], at: clock())
    }

    public func release(_ id: String, reason: String) throws {
        guard let i = claims.firstIndex(where: { $0.id == id && $0.state.isLive }) else {
            throw ClaimServiceError("no live claim \(id)")
        }
        claims[i] = try Tracker.release(claims[i], at: clock())
        claims[i].note = reason
    }

    public func releaseStuck(_ ids: [String]) throws -> [String] {
        let stuck = try state().stuck
        var done: [String] = []
        for id in ids where stuck[id] != nil {
            try release(id, reason: "released as stuck from the dashboard")
            done.append(id)
        }
        return done
    }
}
