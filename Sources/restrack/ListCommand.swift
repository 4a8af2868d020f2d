import ArgumentParser
import Dashboard
import Foundation
import HostProbes
import Ledger
import TrackerCore

/// `restrack list`: claims with what they hold, their age and why they are stuck.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List claims (live ones unless --state says otherwise).")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Flag(help: "Only stuck claims.")
    var stuck = false

    @Option(help: "claimed, confirmed, released, aborted, live (claimed+confirmed, the default) or all.")
    var state: ClaimStateFilter = .live

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            try list()
        } catch {
            throw error.reported(json: json)
        }
    }

    private func list() throws(CLIFailure) {
        let states = state.states
        let snapshot = try source.loadSnapshotIfPossible()
        let book = try ledger.open(for: source)
        let claims: [Claim]
        do { claims = try book.claims(states: states) } catch { throw CLIFailure(error) }
        let now = Date().timeIntervalSince1970
        // Ended claims are listed but judged by nobody: the state holds live ones only.
        let seen = try source.observations().observe(snapshot: snapshot, claims: claims, now: now)
        let state = ClaimStateDerivation.derive(snapshot: snapshot, claims: claims, observations: seen)
        let shown = stuck ? claims.filter { state.stuck[$0.id] != nil } : claims
        if json {
            OutputText.printJSON(shown.map {
                ClaimView(claim: $0, stuck: state.stuck[$0.id] ?? [], ownerNotVisible: state.ownersNotVisible[$0.id],
                          drift: state.drift(of: $0.id), findings: state.conflicts(of: $0.id))
            })
            return
        }
        if shown.isEmpty {
            let ledgerEmpty: Bool
            do { ledgerEmpty = try book.claims().isEmpty } catch { throw CLIFailure(error) }
            print(Self.emptyText(stuckOnly: stuck, states: states, ledgerEmpty: ledgerEmpty, ledger: book.path))
            for f in Self.hostFindings(state) { print("\(CheckCommand.label(f.kind)) \(SafeText.strip(f.message))") }
            return
        }
        print("ID      STATE      AGE   CONSUMER             PID      HOLDS")
        for c in shown {
            let name = SafeText.strip(c.consumer.name)
            let pid = c.consumer.pid.map(String.init) ?? "-"
            let line = [c.id.padding(toLength: 7, withPad: " ", startingAt: 0),
                        c.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
                        Fmt.age(Int(now - c.createdAt)).padding(toLength: 5, withPad: " ", startingAt: 0),
                        String(name.prefix(20)).padding(toLength: 20, withPad: " ", startingAt: 0),
                        pid.padding(toLength: 8, withPad: " ", startingAt: 0),
                        SafeText.strip(OutputText.holding(c.usage))].joined(separator: " ")
            print(line)
            if let note = c.note { print("        note: \(SafeText.strip(note))") }
            for f in state.findings(for: c.id) { print("        \(Self.label(f.kind)): \(SafeText.strip(f.text))") }
        }
        for f in Self.hostFindings(state) { print("\(CheckCommand.label(f.kind)) \(SafeText.strip(f.message))") }
    }

    /// Findings about foreign owners that name no claim (two domains on one
    /// CPU, a stale pod, a checksum mismatch): shown after the claims, so
    /// `list` tells what `check` would fail on besides them.
    static func hostFindings(_ state: HostState) -> [Finding] {
        let claimIDs = Set(state.claims.map(\.id))
        return state.findings.filter { f in
            switch f.kind {
            case .stale, .checksumMismatch, .invalidFile: return true
            case .conflict: return !f.holders.contains(where: claimIDs.contains)
            case .drift, .outsideUse, .notVisible: return false
            }
        }
    }

    /// The word before a finding's line under its claim.
    static func label(_ kind: ClaimFinding.Kind) -> String {
        switch kind {
        case .stuck: return "STUCK"
        case .drift: return "DRIFT"
        case .conflict: return "CONFLICT"
        case .ownerNotVisible: return "NOTE"
        }
    }

    /// What `list` says when nothing matches: whether the ledger is empty
    /// altogether (named, so an empty answer from the wrong ledger, such as
    /// a simulated host's own, is recognisable) or only nothing matches.
    static func emptyText(stuckOnly: Bool, states: [ClaimState], ledgerEmpty: Bool, ledger: String) -> String {
        if ledgerEmpty { return "no claims: the ledger \(SafeText.strip(ledger)) is empty" }
        if stuckOnly { return "no stuck claims" }
        if states.count == 1, let only = states.first { return "no \(only.rawValue) claims" }
        return states == ClaimState.allCases ? "no claims" : "no claims (live: claimed or confirmed; --state all shows ended ones)"
    }
}
