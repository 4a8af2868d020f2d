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

    func state() throws -> HostState {
        let snapshot = try snapshotSource()
        let live = try liveClaims()
        let probe = self.probe
        return Tracker.state(snapshot: snapshot, claims: live, now: Date().timeIntervalSince1970,
                             processStartTime: { probe.startTime(pid: $0) })
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
        let done = try ledger.releaseStuck(snapshot: snapshot, processStartTime: { probe.startTime(pid: $0) },
                                           dryRun: false, actor: .current())
        return done.map(\.claim.id)
    }
}
