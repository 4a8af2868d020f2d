import Dashboard
import Foundation
import HostProbes
import Ledger
import TrackerCore

/// The dashboard's claim service on the real ledger: the same `Ledger`
/// calls as `restrack claim/confirm/release`, so every change made from the
/// keyboard is one `BEGIN IMMEDIATE` transaction with its audit row, and
/// other restrack processes see it at once.
final class LedgerClaimService: ClaimService {
    let ledger: Ledger
    let snapshotSource: () throws -> HostSnapshot
    let probe = ProcessProbe()
    /// Live claims from the last read and the ledger files' (mtime, size)
    /// then: an idle poll then costs two stats, not a query and a JSON
    /// decode per claim. Any write, by us or another process, changes them.
    private var cachedClaims: [Claim]?
    private var cacheStamp: [String] = []

    init(ledger: Ledger, snapshot: @escaping () throws -> HostSnapshot) {
        self.ledger = ledger
        snapshotSource = snapshot
    }

    /// The last full state and the inputs it was built from. With the same
    /// snapshot and claims, only the time-dependent stuck reasons (owner
    /// gone, TTL passed) can change, so an idle poll re-judges just those
    /// instead of re-applying every claim to a 2,048-device host.
    private var cachedState: HostState?
    private var structuralStuck: [String: [StuckReason]] = [:]

    func state() throws -> HostState {
        let snapshot = try snapshotSource()
        let live = try liveClaims()
        let probe = self.probe
        let now = Date().timeIntervalSince1970
        let pst: Tracker.ProcessStartTime = { probe.liveness(pid: $0) }
        if var cached = cachedState, cached.snapshot == snapshot, cached.claims == live {
            var stuck = structuralStuck
            var hidden: [String: OwnerNotVisible] = [:]
            for c in live {
                let r = Tracker.ownerAndTTLReasons(c, now: now, processStartTime: pst)
                if !r.isEmpty { stuck[c.id, default: []].insert(contentsOf: r, at: 0) }
                hidden[c.id] = Tracker.ownerNotVisible(c, processStartTime: pst)
            }
            if cached.stuck != stuck || cached.ownersNotVisible != hidden {
                cached.stuck = stuck
                cached.ownersNotVisible = hidden
                cachedState = cached
            }
            return cached
        }
        let full = Tracker.state(snapshot: snapshot, claims: live, now: now, processStartTime: pst)
        structuralStuck = full.stuck.compactMapValues { reasons in
            let kept = reasons.filter { if case .resourceGone = $0 { return true } else { return false } }
            return kept.isEmpty ? nil : kept
        }
        cachedState = full
        return full
    }

    func liveClaims() throws -> [Claim] {
        let stamp = [ledger.path, ledger.path + "-wal"].map { path -> String in
            let a = try? FileManager.default.attributesOfItem(atPath: path)
            let m = (a?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(m)/\(a?[.size] as? Int ?? -1)"
        }
        if let cached = cachedClaims, stamp == cacheStamp { return cached }
        let live = try ledger.claims(states: [.claimed, .confirmed])
        cachedClaims = live
        cacheStamp = stamp
        return live
    }

    /// The fit against the host plus every live claim as the ledger sees it
    /// now; the claim transaction refits, so a preview can never book.
    func preview(_ request: Request) -> Decision {
        do {
            return Fitter.fit(request, on: try state().effective)
        } catch {
            return .noFit("cannot read the host or the ledger: \(error)")
        }
    }

    func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim {
        try ledger.claim(request, consumer: consumer, snapshot: try snapshotSource(), ttlSeconds: ttl,
                         note: "from the dashboard", actor: .current())
    }

    func confirm(_ id: String) throws {
        _ = try ledger.confirm(id, actor: .current())
    }

    func release(_ id: String, reason: String) throws {
        _ = try ledger.release(id, reason: reason, actor: .current())
    }

    /// The ledger judges stuck again inside its transaction (as
    /// `restrack release --stuck` does), so a claim confirmed a moment ago
    /// by its owner is not released; the ids shown are only reported against.
    func releaseStuck(_ ids: [String]) throws -> [String] {
        let snapshot = try? snapshotSource()
        let probe = self.probe
        let done = try ledger.releaseStuck(snapshot: snapshot, processStartTime: { probe.liveness(pid: $0) },
                                           dryRun: false, actor: .current())
        return done.map(\.claim.id)
    }
}
