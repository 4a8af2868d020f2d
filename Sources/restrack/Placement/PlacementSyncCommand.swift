import ArgumentParser
import Foundation
import Ledger
import Placement
import TrackerCore

/// `restrack placement sync`: make Placement hold this host's tree and its
/// live claims, writing only what differs, each change audited.
struct PlacementSyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Publish the host as nested resource providers and its live claims as allocations.",
        discussion: """
            A second sync with nothing changed reads one list and writes nothing. Generation conflicts \
            (409 placement.concurrent_update) are re-read and retried a bounded number of times; inventory \
            that cannot shrink because it is in use is reported, not forced. Refuses providers without \
            CUSTOM_OWNER_RESTRACK and a root with OWNER_NOVA. Exit 1 on any Placement error or refusal.
            """)

    @OptionGroup var placement: PlacementOptions
    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Option(help: "Root provider name (default: the host name).")
    var name: String?

    @Flag(name: .customLong("dry-run"), help: "Say what would change; write nothing to Placement or the ledger.")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            try sync()
        } catch {
            throw error.reported(json: json)
        }
    }

    private func sync() throws(CLIFailure) {
        let endpoint = try placement.endpoint()
        let snapshot = try source.loadSnapshot()
        let rootName = SafeText.strip(name ?? snapshot.hostname)
        guard !rootName.isEmpty, rootName.count <= 180 else {
            throw CLIFailure.badInput("--name must be 1 to 180 characters (Placement names are at most 200, children add a suffix)")
        }
        let book = try ledger.open(for: source)
        let live: [Claim]
        let known: [String]
        let record: PlacementRecord?
        do {
            live = try book.claims(states: [.claimed, .confirmed])
            known = try book.allClaimIDs()
            record = try book.placementRecord(name: rootName)
        } catch {
            throw CLIFailure(error)
        }
        let seen = try source.observations().observe(snapshot: snapshot, claims: live, now: Date().timeIntervalSince1970)
        var memory: SyncMemory?
        if let record {
            memory = try? JSONDecoder().decode(SyncMemory.self, from: Data(record.state.utf8))
            if memory == nil { memory = SyncMemory(rootUUID: record.rootUUID) }
        }
        let client = PlacementClient(endpoint: endpoint)
        let made = ChangeLog()
        var engine = PlacementSync(client: client)
        engine.onChange = { made.add($0) }
        if !dryRun {
            let name = rootName
            engine.beforeCreatingRoot = { uuid in
                let state = String(decoding: (try? JSONEncoder().encode(SyncMemory(rootUUID: uuid))) ?? Data("{}".utf8),
                                   as: UTF8.self)
                do {
                    try book.recordPlacementSync(PlacementRecord(name: name, rootUUID: uuid, state: state, syncedAt: 0),
                                                 consumers: [:], changes: [], actor: .current())
                    return nil
                } catch {
                    return SafeText.strip("\(error)")
                }
            }
        }
        // What others hold as the fitter sees it: a claim owner's own
        // pinned threads are its claim's use, a shut-off domain holds only
        // with --count-defined, unexplained hugepages are `outside`'s.
        guard let view = ClaimStateDerivation.derive(snapshot: snapshot, claims: live, observations: seen).live else {
            // Publishing nothing as reserved would show others' use as free.
            throw CLIFailure.refused("what other owners hold on this host could not be worked out, so nothing was published")
        }
        let holding = view.holding
        let inputs = SyncInputs(name: rootName, snapshot: snapshot, claims: live, holders: holding,
                                knownClaimIDs: known,
                                resourceClasses: try Self.configuredClasses(configPath: source.configPath, snapshot: snapshot))
        let outcome: SyncOutcome
        do {
            outcome = try engine.run(inputs, memory: memory, proposedRoot: UUID().uuidString.lowercased(), dryRun: dryRun)
        } catch {
            // What was written before the failure is audited as such; the
            // sync's own record stays as it was, so the next sync re-reads.
            let done = made.all
            if !done.isEmpty {
                try? book.recordPlacementSync(nil, consumers: [:], changes: done, outcome: "partial", actor: .current())
            }
            throw CLIFailure.refused(error.description)
        }
        if !dryRun {
            let state = String(decoding: (try? JSONEncoder().encode(outcome.memory)) ?? Data("{}".utf8), as: UTF8.self)
            let consumers = Dictionary(outcome.tree.consumers.map { ($0.claimID, $0.uuid) }, uniquingKeysWith: { a, _ in a })
            var about: [Int: String] = [:]
            for (i, change) in outcome.report.changes.enumerated() {
                if let r = change.range(of: "claim ") {
                    let id = change[r.upperBound...].prefix { $0 != " " }
                    if !id.isEmpty { about[i] = String(id) }
                }
            }
            do {
                try book.recordPlacementSync(PlacementRecord(name: rootName, rootUUID: outcome.memory.rootUUID, state: state,
                                                             syncedAt: 0),
                                             consumers: consumers, changes: outcome.report.changes, claimIDs: about,
                                             actor: .current())
            } catch {
                throw CLIFailure(error)
            }
        }
        let report = outcome.report
        if json {
            OutputText.printJSON(report)
            return
        }
        for change in report.changes { print((dryRun ? "would: " : "") + SafeText.strip(change)) }
        for problem in report.problems { print("not done: " + SafeText.strip(problem)) }
        print("\(report.name) (\(report.rootUUID)): \(report.providers) providers, \(report.consumers) consumers; "
              + "\(report.changes.count) changes, \(report.requests.total) requests "
              + "(\(report.requests.writes) writes), \(report.attempts) attempt\(report.attempts == 1 ? "" : "s")")
    }
}
