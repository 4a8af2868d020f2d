import Foundation
import GRDB
import TrackerCore

/// The durable record of every claim on this host, shared by all restrack
/// processes. Every change is one `BEGIN IMMEDIATE` transaction that reads the
/// live claims, decides, writes the claim and its audit row, and commits, so
/// two processes can never promise the same CPU, page or device.
public struct Ledger: Sendable {
    public let path: String
    let queue: DatabaseQueue
    let options: LedgerOptions
    /// Seconds since the epoch, read inside each write transaction so the
    /// time order of claims and audit rows is the ledger's commit order.
    var clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }
    /// The fitter a claim uses; tests replace it to show the index's unique
    /// keys refuse what a wrong fitter offers.
    var fitter: @Sendable (Request, HostSnapshot) -> Decision = { Fitter.fit($0, on: $1) }

    /// Opens (creating if needed) the ledger at `path`; see `LedgerFile`.
    public static func open(path: String, options: LedgerOptions = LedgerOptions()) throws(LedgerError) -> Ledger {
        Ledger(path: path, queue: try LedgerFile.open(path: path, options: options), options: options)
    }

    // MARK: - Writes

    /// Fits `request` against `snapshot` plus every live claim and records
    /// the claim, in one transaction. A request that does not fit is audited
    /// as a refused attempt and throws `.noFit` with the fitter's reason.
    ///
    /// The snapshot is taken by the caller before the transaction: it is what
    /// the host has (hardware, pools, devices), which no restrack process
    /// changes, while what is promised comes from inside the transaction.
    /// Probing sysfs while holding the write lock would only make others wait.
    ///
    /// `observations` are what the probes saw of the host before the
    /// transaction (holders, device use; empty for a simulated host): the
    /// request is fitted against the host minus every live claim minus what
    /// others hold (`LiveView`), with the live claims' owners and the new
    /// claim's own pid read inside the transaction, so an owner's own
    /// pinning is never a blocker. Hugepages in use outside restrack come
    /// from the snapshot's kernel counts, so they count even with no
    /// observations.
    ///
    /// `now` (default: the clock, read once the write lock is held) stamps
    /// the claim and its audit rows.
    public func claim(_ request: Request, consumer: Consumer, snapshot: HostSnapshot, ttlSeconds: Int = 600,
                      note: String? = nil, confirm: Bool = false, actor: LedgerActor,
                      observations: Observations = Observations(now: 0),
                      now: Double? = nil) throws(LedgerError) -> Claim {
        let outcome: Outcome<Claim> = try writeImmediate { db in
            let now = now ?? clock()
            let holdings = try Self.holdings(db)
            let view = try Self.liveView(snapshot: snapshot, holdings: holdings, observations: observations,
                                         newOwner: consumer.pid, db)
            let decision = LiveFit.fit(request, view: view, fitter: fitter)
            guard decision.fits else {
                let reason = decision.reason ?? "does not fit"
                try Self.audit(db, "claim", "refused", nil, "consumer \(consumer.name): \(reason)", actor, now)
                return .refused(.noFit(reason: reason))
            }
            var id = ClaimID.random()
            while try Int.fetchOne(db, sql: "SELECT 1 FROM claim WHERE id = ?", arguments: [id]) != nil {
                id = ClaimID.random()
            }
            let claim: Claim
            do {
                claim = try Tracker.claim(id: id, consumer: consumer, request: request, decision: decision, on: snapshot,
                                          at: now, ttlSeconds: ttlSeconds, note: note, confirmed: confirm)
            } catch let error as ClaimTransitionError {
                return .refused(.transition(error))
            }
            do {
                try ClaimRecord.insert(claim, host: snapshot.hostname, db)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw LedgerError.doublePromise(detail: "the fitter chose a CPU or device already held: \(error.message ?? "")")
            }
            try Self.audit(db, "claim", "ok", id, note.map { "consumer \(consumer.name): \($0)" } ?? "consumer \(consumer.name)",
                           actor, now)
            if confirm { try Self.audit(db, "confirm", "ok", id, nil, actor, now) }
            return .done(claim)
        }
        return try outcome.get()
    }

    /// claimed → confirmed.
    public func confirm(_ id: String, actor: LedgerActor, now: Double? = nil) throws(LedgerError) -> Claim {
        try transition(id, action: "confirm", reason: nil, actor: actor, now: now) { claim, now throws(ClaimTransitionError) in
            try Tracker.confirm(claim, at: now)
        }
    }

    /// claimed or confirmed → released; its resources are free again.
    public func release(_ id: String, reason: String? = nil, actor: LedgerActor,
                        now: Double? = nil) throws(LedgerError) -> Claim {
        try transition(id, action: "release", reason: reason, actor: actor, now: now) { claim, now throws(ClaimTransitionError) in
            try Tracker.release(claim, at: now)
        }
    }

    /// claimed → aborted.
    public func abort(_ id: String, actor: LedgerActor, now: Double? = nil) throws(LedgerError) -> Claim {
        try transition(id, action: "abort", reason: nil, actor: actor, now: now) { claim, now throws(ClaimTransitionError) in
            try Tracker.abort(claim, at: now)
        }
    }

    /// `change` gets the time the transition is stamped with: `now`, else
    /// the clock read inside the transaction.
    private func transition(_ id: String, action: String, reason: String?, actor: LedgerActor, now: Double?,
                            _ change: @escaping (Claim, Double) throws(ClaimTransitionError) -> Claim)
        throws(LedgerError) -> Claim {
        let outcome: Outcome<Claim> = try writeImmediate { db in
            let now = now ?? clock()
            guard let claim = try ClaimRecord.fetch(id: id, db) else {
                try Self.audit(db, action, "refused", id, "no such claim", actor, now)
                return .refused(.unknownClaim(id: id))
            }
            let changed: Claim
            do {
                changed = try change(claim, now)
            } catch let error as ClaimTransitionError {
                try Self.audit(db, action, "refused", id, error.description, actor, now)
                return .refused(.transition(error))
            }
            try ClaimRecord.update(changed, db)
            if !changed.state.isLive { try ClaimRecord.deleteHeld(id, db) }
            try Self.audit(db, action, "ok", id, reason, actor, now)
            return .done(changed)
        }
        return try outcome.get()
    }

    /// Releases every stuck claim (or, with `dryRun`, only says which), each
    /// audited with its reasons. Stuck is judged inside the write transaction,
    /// so a claim confirmed a moment ago by another process is not released.
    /// `only` limits it to those ids (a dashboard releasing what it showed):
    /// one that is no longer stuck by now is left alone.
    ///
    /// `observe` is asked, inside the transaction, what the probes see of
    /// the live claims' owners at `now` (default: the clock, read once the
    /// write lock is held, as every other write does, so the audit's time
    /// order agrees with its sequence order).
    public func releaseStuck(snapshot: HostSnapshot?, observe: @escaping Observer, dryRun: Bool,
                             only: Set<String>? = nil, actor: LedgerActor, now: Double? = nil)
        throws(LedgerError) -> [(claim: Claim, reasons: [StuckReason])] {
        let find = { (db: Database, now: Double) throws -> [(claim: Claim, reasons: [StuckReason])] in
            let live = try ClaimRecord.fetchAll(states: [.claimed, .confirmed], db)
            let state = ClaimStateDerivation.derive(snapshot: snapshot, claims: live, observations: observe(live, now))
            return live.compactMap { c in state.stuck[c.id].map { (claim: c, reasons: $0) } }
                .filter { only?.contains($0.claim.id) ?? true }
        }
        if dryRun {
            do { return try queue.read { db in try find(db, now ?? clock()) } } catch { throw map(error) }
        }
        let outcome: Outcome<[(claim: Claim, reasons: [StuckReason])]> = try writeImmediate { db in
            let now = now ?? clock()
            var released: [(claim: Claim, reasons: [StuckReason])] = []
            for (claim, reasons) in try find(db, now) {
                let ended = try Tracker.release(claim, at: now)   // live, so this cannot be refused
                try ClaimRecord.update(ended, db)
                try ClaimRecord.deleteHeld(claim.id, db)
                try Self.audit(db, "release-stuck", "ok", claim.id,
                               reasons.map(\.description).joined(separator: "; "), actor, now)
                released.append((claim: ended, reasons: reasons))
            }
            return .done(released)
        }
        return try outcome.get()
    }

    /// `releaseStuck(snapshot:observe:…)` asking `processStartTime` about owners.
    public func releaseStuck(snapshot: HostSnapshot?, processStartTime: Tracker.ProcessStartTime?, dryRun: Bool,
                             only: Set<String>? = nil, actor: LedgerActor, now: Double? = nil)
        throws(LedgerError) -> [(claim: Claim, reasons: [StuckReason])] {
        try releaseStuck(snapshot: snapshot, observe: { Observations.gather(for: $0, now: $1, liveness: processStartTime) },
                         dryRun: dryRun, only: only, actor: actor, now: now)
    }

    // MARK: - Reads

    public func claim(id: String) throws(LedgerError) -> Claim {
        let found: Claim?
        do { found = try queue.read { db in try ClaimRecord.fetch(id: id, db) } } catch { throw map(error) }
        guard let found else { throw LedgerError.unknownClaim(id: id) }
        return found
    }

    /// A reader of live claims that tells when they changed (see
    /// `LiveClaimsReader`), for callers that poll.
    public func liveClaimsReader() throws(LedgerError) -> LiveClaimsReader {
        try LiveClaimsReader(path: path, options: options)
    }

    /// Claims in the given states, oldest first.
    public func claims(states: [ClaimState] = ClaimState.allCases) throws(LedgerError) -> [Claim] {
        do { return try queue.read { db in try ClaimRecord.fetchAll(states: states, db) } } catch { throw map(error) }
    }

    /// The host with every live claim applied, owners, stuck reasons and
    /// drift (see `ClaimStateDerivation`).
    public func state(snapshot: HostSnapshot?, observe: Observer,
                      now: Double = Date().timeIntervalSince1970) throws(LedgerError) -> HostState {
        let live = try claims(states: [.claimed, .confirmed])
        return ClaimStateDerivation.derive(snapshot: snapshot, claims: live, observations: observe(live, now))
    }

    /// `state(snapshot:observe:)` asking `processStartTime` about owners.
    public func state(snapshot: HostSnapshot?, processStartTime: Tracker.ProcessStartTime?,
                      now: Double = Date().timeIntervalSince1970) throws(LedgerError) -> HostState {
        try state(snapshot: snapshot, observe: { Observations.gather(for: $0, now: $1, liveness: processStartTime) }, now: now)
    }

    /// Audit rows at or after `since` (all when nil), oldest first.
    public func audit(since: Double? = nil) throws(LedgerError) -> [AuditEntry] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE at >= ? ORDER BY seq", arguments: [since ?? -Double.infinity])
                    .map { row in
                        let what = "audit row \(row["seq"] as DatabaseValue)"
                        return AuditEntry(seq: try RowColumn.value(row, "seq", in: what),
                                          at: try RowColumn.value(row, "at", in: what),
                                          action: try RowColumn.value(row, "action", in: what),
                                          outcome: try RowColumn.value(row, "outcome", in: what),
                                          claimID: try RowColumn.optional(row, "claim_id", in: what),
                                          uid: try RowColumn.value(row, "uid", in: what),
                                          user: try RowColumn.value(row, "user", in: what),
                                          pid: try RowColumn.value(row, "pid", in: what),
                                          host: try RowColumn.value(row, "host", in: what),
                                          reason: try RowColumn.optional(row, "reason", in: what))
                    }
            }
        } catch { throw map(error) }
    }

    // MARK: - Check

    /// Ledger integrity (SQLite's and the index against the claims), double
    /// promises and PF/VF consistency, stuck claims, and drift between what is
    /// promised and what the host shows, all from `ClaimStateDerivation`.
    /// `affinity` gives a pid's allowed CPUs.
    public func check(snapshot: HostSnapshot, processStartTime: Tracker.ProcessStartTime?,
                      affinity: ((Int32) -> CPUSet?)?, now: Double = Date().timeIntervalSince1970)
        throws(LedgerError) -> CheckReport {
        try check(snapshot: snapshot, observe: {
            Observations.gather(for: $0, now: $1, liveness: processStartTime, affinity: affinity)
        }, now: now)
    }

    /// As above, with `observe` asked what the probes see of the live
    /// claims' owners at `now`.
    public func check(snapshot: HostSnapshot, observe: Observer, now: Double = Date().timeIntervalSince1970)
        throws(LedgerError) -> CheckReport {
        let read: (integrity: [String], live: [Claim])
        do {
            read = try queue.read { db in
                var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
                let live = try ClaimRecord.fetchAll(states: [.claimed, .confirmed], db)
                problems += try Self.indexProblems(live, db)
                return (problems, live)
            }
        } catch { throw map(error) }
        let seen = observe(read.live, now)
        let state = ClaimStateDerivation.derive(snapshot: snapshot, claims: read.live, observations: seen)
        let stuck = read.live.compactMap { c in state.stuck[c.id].map { (claim: c, reasons: $0) } }
        let conflicts = state.conflicts + Self.pfvfProblems(state.effective)
        let drift = state.drift
        let warnings = read.live.compactMap { c in
            state.ownersNotVisible[c.id].map { "claim \(c.id): \($0)" }
        }
        return CheckReport(integrity: read.integrity, conflicts: conflicts, stuck: stuck, drift: drift,
                           liveClaims: read.live.count, warnings: warnings,
                           findings: state.findings.filter { $0.kind != .drift }
                               + seen.findings.filter { $0.kind == .drift })
    }

    /// The held_* index must be exactly the live claims' usage.
    private static func indexProblems(_ live: [Claim], _ db: Database) throws -> [String] {
        var problems: [String] = []
        var expectedCPU: [Int: String] = [:]
        var expectedPCI: [String: String] = [:]
        for c in live {
            for cpu in c.usage.pinnedCPUs { expectedCPU[cpu] = c.id }
            for a in c.usage.pciDevices { expectedPCI[a] = c.id }
        }
        var actualCPU: [Int: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT cpu, claim_id FROM held_cpu") {
            actualCPU[try RowColumn.value(row, "cpu", in: "held_cpu row")] = try RowColumn.value(row, "claim_id", in: "held_cpu row")
        }
        var actualPCI: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT address, claim_id FROM held_pci") {
            actualPCI[try RowColumn.value(row, "address", in: "held_pci row")] = try RowColumn.value(row, "claim_id", in: "held_pci row")
        }
        for (cpu, id) in expectedCPU.sorted(by: { $0.key < $1.key }) where actualCPU[cpu] != id {
            problems.append("index: CPU \(cpu) of claim \(id) is held by \(actualCPU[cpu].map { "claim \($0)" } ?? "nobody")")
        }
        for (cpu, id) in actualCPU.sorted(by: { $0.key < $1.key }) where expectedCPU[cpu] == nil {
            problems.append("index: CPU \(cpu) is held by claim \(id), which is not live or does not hold it")
        }
        for (a, id) in expectedPCI.sorted(by: { $0.key < $1.key }) where actualPCI[a] != id {
            problems.append("index: device \(a) of claim \(id) is held by \(actualPCI[a].map { "claim \($0)" } ?? "nobody")")
        }
        for (a, id) in actualPCI.sorted(by: { $0.key < $1.key }) where expectedPCI[a] == nil {
            problems.append("index: device \(a) is held by claim \(id), which is not live or does not hold it")
        }
        let liveIDs = Set(live.map(\.id))
        for id in try String.fetchAll(db, sql: "SELECT DISTINCT CAST(claim_id AS TEXT) FROM held_cell WHERE claim_id IS NOT NULL")
        where !liveIDs.contains(id) {
            problems.append("index: claim \(id) is not live but still has cell usage rows")
        }
        // The trigger-kept totals must equal the rows they sum.
        let drifted = try Row.fetchAll(db, sql: """
            SELECT t.cell, t.page_size_kb FROM held_total t
            LEFT JOIN (SELECT cell, COALESCE(page_size_kb, 0) AS size, SUM(shared_vcpus) AS v, SUM(memory_mb) AS m,
                              SUM(pages) AS p FROM held_cell GROUP BY cell, size) s
              ON s.cell = t.cell AND s.size = t.page_size_kb
            WHERE t.shared_vcpus != COALESCE(s.v, 0) OR t.memory_mb != COALESCE(s.m, 0) OR t.pages != COALESCE(s.p, 0)
            """)
        for row in drifted {
            problems.append("index: usage totals for cell \(row["cell"] as DatabaseValue), page size \(row["page_size_kb"] as DatabaseValue) KiB do not match the claims")
        }
        let missing = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM (SELECT DISTINCT cell, COALESCE(page_size_kb, 0) AS size FROM held_cell) s
            WHERE NOT EXISTS (SELECT 1 FROM held_total t WHERE t.cell = s.cell AND t.page_size_kb = s.size)
            """) ?? 0
        if missing > 0 { problems.append("index: \(missing) cell usage groups have no totals row") }
        let sum = live.reduce(into: HeldChecksum()) { $0.add($1.usage) }
        if try HeldChecksum.stored(db) ?? HeldChecksum() != sum {
            problems.append("index: the held_check fingerprint does not match the live claims (claims are refused until it does)")
        }
        return problems
    }

    /// Nova's invariants between a PF and its VFs (LP #1969496 is the case of
    /// them breaking): a held PF leaves no VF available, a held VF leaves its
    /// PF not available.
    static func pfvfProblems(_ host: HostSnapshot) -> [String] {
        var byAddress: [String: PCIDevice] = [:]
        for d in host.pciDevices { byAddress[d.address] = d }
        var problems: [String] = []
        let held: Set<PCIDeviceStatus> = [.claimed, .allocated]
        for vf in host.pciDevices where vf.devType == .vf {
            guard let parent = vf.parentAddr, let pf = byAddress[parent] else { continue }
            if held.contains(vf.status) && pf.status == .available {
                problems.append("VF \(vf.address) is \(vf.status.rawValue) but its PF \(pf.address) is available")
            }
            if held.contains(pf.status) && vf.status == .available {
                problems.append("PF \(pf.address) is \(pf.status.rawValue) but its VF \(vf.address) is available")
            }
        }
        return problems
    }

    // MARK: - Plumbing

    enum Outcome<T> {
        case done(T)
        case refused(LedgerError)

        func get() throws(LedgerError) -> T {
            switch self {
            case .done(let v): return v
            case .refused(let e): throw e
            }
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction and commits, also
    /// when the body reports a refusal (so refused attempts stay audited).
    private func writeImmediate<T>(_ body: @escaping (Database) throws -> Outcome<T>) throws(LedgerError) -> Outcome<T> {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: Outcome<T> = .refused(.database(detail: "transaction did not run"))
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result
            }
        } catch {
            throw map(error)
        }
    }

    private func map(_ error: any Error) -> LedgerError {
        switch error as? LedgerError {
        case .corrupt(let p, let detail)? where p.isEmpty: return .corrupt(path: path, detail: detail)
        case .damagedIndex(let p, let detail)? where p.isEmpty: return .damagedIndex(path: path, detail: detail)
        default: break
        }
        return LedgerError(error, path: path, timeout: options.busyTimeoutSeconds)
    }

    /// `claimID` is what the caller typed when the claim is unknown, so it is
    /// capped like any free text.
    static func audit(_ db: Database, _ action: String, _ outcome: String, _ claimID: String?, _ reason: String?,
                      _ actor: LedgerActor, _ now: Double) throws {
        try db.execute(sql: """
            INSERT INTO audit (at, action, outcome, claim_id, uid, user, pid, host, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, action, outcome, AuditEntry.capped(claimID), actor.uid, actor.user, actor.pid,
                             actor.host, AuditEntry.capped(reason)])
    }

    /// What live claims hold, read from the index: the fast path of the
    /// claim transaction, which never decodes whole claims. The index is
    /// summed as it is read and must match the fingerprint kept with the
    /// claims (`HeldChecksum`); a CPU id no host can have is damage too, and
    /// is refused before it sizes anything.
    static func holdings(_ db: Database) throws -> [Tracker.Holding] {
        var seen = HeldChecksum()
        var cells: [Int: [ClaimUsage.Cell]] = [:]
        var floating = (vcpus: 0, memory: 0)
        for row in try Row.fetchAll(db, sql: """
            SELECT cell, page_size_kb, shared_vcpus AS v, memory_mb AS m, pages AS p FROM held_total
            """) {
            let what = "held_total row"
            let cell: Int = try RowColumn.value(row, "cell", in: what)
            let size: Int = try RowColumn.value(row, "page_size_kb", in: what)
            let v: Int = try RowColumn.value(row, "v", in: what)
            let m: Int = try RowColumn.value(row, "m", in: what)
            let p: Int = try RowColumn.value(row, "p", in: what)
            seen.addTotals(cell: cell, pageSizeKB: size, sharedVCPUs: v, memoryMB: m, pages: p)
            if cell < 0 {
                floating.vcpus &+= v
                floating.memory &+= m
                continue
            }
            cells[cell, default: []].append(ClaimUsage.Cell(hostCell: cell, sharedVCPUs: v, memoryMB: m,
                                                              pageSizeKB: size > 0 ? size : nil, pages: p))
        }
        var pinned: [Int: CPUSet] = [:]
        let cpuRows = try Row.fetchCursor(db, sql: "SELECT cpu, cell FROM held_cpu")
        while let row = try cpuRows.next() {
            let cell: Int = try RowColumn.value(row, "cell", in: "held_cpu row")
            let cpu: Int = try RowColumn.value(row, "cpu", in: "held_cpu row")
            guard (0...CPUSet.maxCPUId).contains(cpu) else {
                throw LedgerError.damagedIndex(path: "", detail: "its index holds CPU \(cpu), outside the CPU ids 0-\(CPUSet.maxCPUId) a host can have")
            }
            seen.addCPU(cpu, cell: cell)
            pinned[cell, default: []].insert(cpu)
        }
        for (cell, cpus) in pinned {
            cells[cell, default: []].append(ClaimUsage.Cell(hostCell: cell, pinnedCPUs: cpus))
        }
        var claimedPCI: [String] = []
        var confirmedPCI: [String] = []
        for row in try Row.fetchAll(db, sql: "SELECT p.address, c.state FROM held_pci p JOIN claim c ON c.id = p.claim_id") {
            let address: String = try RowColumn.value(row, "address", in: "held_pci row")
            seen.addDevice(address)
            if try RowColumn.value(row, "state", in: "held_pci row", as: String.self) == ClaimState.confirmed.rawValue {
                confirmedPCI.append(address)
            } else {
                claimedPCI.append(address)
            }
        }
        let expected = try HeldChecksum.stored(db) ?? HeldChecksum()
        if let detail = mismatch(index: seen, claims: expected) {
            throw LedgerError.damagedIndex(path: "", detail: detail)
        }
        let all = ClaimUsage(cells: cells.keys.sorted().flatMap { cells[$0] ?? [] }, floatingVCPUs: floating.vcpus,
                             floatingMemoryMB: floating.memory, pciDevices: confirmedPCI)
        return [Tracker.Holding(claimID: "ledger", state: .confirmed, usage: all),
                Tracker.Holding(claimID: "ledger-claimed", state: .claimed, usage: ClaimUsage(pciDevices: claimedPCI))]
    }

    /// The host the claim transaction fits against: `holdings` applied, then
    /// what others hold. Owner pids and confirmed pages are read only when
    /// something needs them (holders were seen; a pool shows pages in use),
    /// so a claim on a quiet host reads no more rows than before.
    static func liveView(snapshot: HostSnapshot, holdings: [Tracker.Holding], observations: Observations,
                         newOwner: Int32?, _ db: Database) throws -> LiveView {
        let claimsOnly = Tracker.effective(snapshot, holdings: holdings)
        var owners = ClaimOwners()
        if !observations.holders.isEmpty || !observations.devices.isEmpty {
            try ownersOfLiveClaims(db, observations: observations, into: &owners)
        }
        if let newOwner { owners.addClaimant(newOwner) }
        var claimed: [PagePoolKey: Int] = [:]
        for holding in holdings {
            for cell in holding.usage.cells {
                guard let size = cell.pageSizeKB, cell.pages > 0 else { continue }
                claimed[PagePoolKey(node: cell.hostCell, sizeKB: size), default: 0] += cell.pages
            }
        }
        var confirmed: [PagePoolKey: Int] = [:]
        let pagesInUse = snapshot.cells.contains { cell in
            cell.mempages.contains { pool in pool.free.map { pool.total - $0 - (pool.surplus ?? 0) > 0 } ?? false }
        }
        if pagesInUse {
            for row in try Row.fetchAll(db, sql: """
                SELECT h.cell, h.page_size_kb, SUM(h.pages) AS pages FROM held_cell h JOIN claim c ON c.id = h.claim_id
                WHERE c.state = 'confirmed' AND h.page_size_kb IS NOT NULL AND h.pages > 0
                GROUP BY h.cell, h.page_size_kb
                """) {
                let what = "held_cell row"
                let key = PagePoolKey(node: try RowColumn.value(row, "cell", in: what),
                                      sizeKB: try RowColumn.value(row, "page_size_kb", in: what))
                confirmed[key] = try RowColumn.value(row, "pages", in: what)
            }
        }
        return LiveView(snapshot: snapshot, claimsOnly: claimsOnly, observations: observations, owners: owners,
                        claimedPages: claimed, confirmedPages: confirmed)
    }

    /// The live claims' owners with what each claim holds, judged as the
    /// derivation judges them (`ClaimOwners`): a pid the probe saw running
    /// with another start time than its claim recorded is not the owner.
    static func ownersOfLiveClaims(_ db: Database, observations: Observations, into owners: inout ClaimOwners) throws {
        let what = "claim row"
        var cpus: [String: CPUSet] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT h.claim_id, h.cpu FROM held_cpu h JOIN claim c ON c.id = h.claim_id
            WHERE c.state IN ('claimed', 'confirmed') AND c.consumer_pid IS NOT NULL
            """) {
            let id: String = try RowColumn.value(row, "claim_id", in: "held_cpu row")
            cpus[id, default: []].insert(try RowColumn.value(row, "cpu", in: "held_cpu row"))
        }
        var devices: [String: [String]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT p.claim_id, p.address FROM held_pci p JOIN claim c ON c.id = p.claim_id
            WHERE c.state IN ('claimed', 'confirmed') AND c.consumer_pid IS NOT NULL
            """) {
            let id: String = try RowColumn.value(row, "claim_id", in: "held_pci row")
            devices[id, default: []].append(try RowColumn.value(row, "address", in: "held_pci row"))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT id, consumer_pid, consumer_pid_start FROM claim
            WHERE state IN ('claimed', 'confirmed') AND consumer_pid IS NOT NULL
            """) {
            let id: String = try RowColumn.value(row, "id", in: what)
            let pid: Int32 = try RowColumn.value(row, "consumer_pid", in: what)
            let start: Int64? = try RowColumn.optional(row, "consumer_pid_start", in: what)
            owners.add(pid: pid, startTime: start.map { UInt64(bitPattern: $0) }, cpus: cpus[id] ?? [],
                       devices: devices[id] ?? [], observations: observations)
        }
    }

    /// Which part of the index differs from the claims' fingerprint, in words; nil when none.
    static func mismatch(index: HeldChecksum, claims: HeldChecksum) -> String? {
        var parts: [String] = []
        if index.cpus != claims.cpus {
            parts.append("its index lists \(index.cpus) held CPUs, its claims hold \(claims.cpus)")
        } else if index.cpuHash != claims.cpuHash {
            parts.append("the held CPUs in its index are not the ones its claims hold")
        }
        if index.devices != claims.devices {
            parts.append("its index lists \(index.devices) held devices, its claims hold \(claims.devices)")
        } else if index.deviceHash != claims.deviceHash {
            parts.append("the held devices in its index are not the ones its claims hold")
        }
        if index.totalsHash != claims.totalsHash {
            parts.append("the vCPU, memory and page totals in its index are not what its claims hold")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
