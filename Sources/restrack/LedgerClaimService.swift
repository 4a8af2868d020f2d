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
    /// The snapshot for the periodic poll, which only shows: it may be kept
    /// between polls (`SnapshotLoader.loadForDisplay`). nil: `snapshot`.
    let displaySnapshot: (() throws -> HostSnapshot)?
    /// What the probes see of the claims' owners at a time: `/proc` in
    /// use, a fixed answer in tests.
    let observe: Observer
    /// What the probes see of the whole host (holders, device use, load):
    /// one `HostObserver` kept across polls, so the load is the one since
    /// the previous poll. nil: only owners are observed (`observe`).
    let observeHost: ((HostSnapshot, [Claim], Double) -> Observations)?
    /// The same observer for the periodic poll, which only shows: it may
    /// keep the host's structure between polls (`ObservationTier.display`).
    /// nil: every poll observes in full.
    let observeDisplay: ((HostSnapshot, [Claim], Double) -> Observations)?
    let clock: () -> Double
    private let reader: LiveClaimsReader
    /// The live claims applied to the host, kept while neither the snapshot
    /// nor the ledger changes: each poll then derives the state from it and
    /// fresh observations (owners, affinity, the clock) through the same
    /// `ClaimStateDerivation` as the CLI, without re-applying every claim.
    private var applied: AppliedClaims?
    /// The last state, handed out again with the new load while the applied
    /// claims and the observations stay the same.
    private var memo = DerivationMemo()
    /// How many polls derived the state rather than reusing the last.
    var derivations: Int { memo.derivations }

    init(ledger: Ledger, snapshot: @escaping () throws -> HostSnapshot,
         displaySnapshot: (() throws -> HostSnapshot)? = nil,
         observe: @escaping Observer = { ProcessProbe().observe($0, now: $1) },
         observeHost: ((HostSnapshot, [Claim], Double) -> Observations)? = nil,
         observeDisplay: ((HostSnapshot, [Claim], Double) -> Observations)? = nil,
         clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws(LedgerError) {
        self.ledger = ledger
        snapshotSource = snapshot
        self.displaySnapshot = displaySnapshot
        self.observe = observe
        self.observeHost = observeHost
        self.observeDisplay = observeDisplay
        self.clock = clock
        reader = try ledger.liveClaimsReader()
    }

    /// The periodic poll: shown, never decided on, so the host's structure
    /// may lag by the observer's rescan interval.
    func state() throws -> HostState {
        try state(full: false)
    }

    /// A poll the operator asked for (after a write, on resuming): read in full.
    func fullState() throws -> HostState {
        try state(full: true)
    }

    private func state(full: Bool) throws -> HostState {
        let snapshot = try (full ? snapshotSource : displaySnapshot ?? snapshotSource)()
        let live = try reader.read()
        let base: AppliedClaims
        if let kept = applied, !live.changed, kept.snapshot == snapshot {
            base = kept
        } else {
            base = AppliedClaims(snapshot: snapshot, claims: live.claims)
            applied = base
        }
        let now = clock()
        let host = full ? observeHost : observeDisplay ?? observeHost
        let seen = host.map { $0(snapshot, base.claims, now) } ?? observe(base.claims, now)
        return memo.derive(base, observations: seen)
    }

    /// The fit against the host plus every live claim and what others hold,
    /// as the ledger sees it now; the claim transaction refits, so a preview
    /// can never book.
    func preview(_ request: Request) -> Decision {
        do {
            let state = try state(full: true)
            guard let live = state.live else { return Fitter.fit(request, on: state.effective) }
            return LiveFit.fit(request, view: live)
        } catch {
            return .noFit("cannot read the host or the ledger: \(error)")
        }
    }

    func claim(_ request: Request, consumer: Consumer, ttl: Int) throws -> Claim {
        let snapshot = try snapshotSource()
        let seen = observeHost.map { $0(snapshot, [], clock()) } ?? Observations(now: clock())
        return try ledger.claim(request, consumer: consumer, snapshot: snapshot, ttlSeconds: ttl,
                                note: "from the dashboard", actor: .current(), observations: seen)
    }

    func confirm(_ id: String) throws {
        _ = try ledger.confirm(id, actor: .current())
    }

    func release(_ id: String, reason: String) throws {
        _ = try ledger.release(id, reason: reason, actor: .current())
    }

    /// Releases those of `ids` (the claims the operator counted) that are
    /// still stuck: the ledger judges stuck again inside its transaction, as
    /// `restrack release --stuck` does, so a claim confirmed a moment ago is
    /// left alone, and one that became stuck after the count was typed is
    /// not released with the others.
    func releaseStuck(_ ids: [String]) throws -> [String] {
        let done = try ledger.releaseStuck(snapshot: try? snapshotSource(), observe: observe, dryRun: false,
                                           only: Set(ids), actor: .current())
        return done.map(\.claim.id)
    }
}
