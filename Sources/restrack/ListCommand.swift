import ArgumentParser
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
        let probe = ProcessProbe()
        let now = Date().timeIntervalSince1970
        let lookup: Tracker.ProcessStartTime = { probe.liveness(pid: $0) }
        var reasons: [String: [StuckReason]] = [:]
        for (c, r) in Ledger.stuck(claims.filter { $0.state.isLive }, snapshot: snapshot, now: now,
                                   processStartTime: lookup) {
            reasons[c.id] = r
        }
        var hidden: [String: OwnerNotVisible] = [:]
        for c in claims { hidden[c.id] = Tracker.ownerNotVisible(c, processStartTime: lookup) }
        let shown = stuck ? claims.filter { reasons[$0.id] != nil } : claims
        if json {
            OutputText.printJSON(shown.map { ClaimView(claim: $0, stuck: reasons[$0.id] ?? [], ownerNotVisible: hidden[$0.id]) })
            return
        }
        if shown.isEmpty {
            print(stuck ? "no stuck claims" : "no claims")
            return
        }
        print("ID      STATE      AGE   CONSUMER             PID      HOLDS")
        for c in shown {
            let name = SafeText.strip(c.consumer.name)
            let pid = c.consumer.pid.map(String.init) ?? "-"
            let line = [c.id.padding(toLength: 7, withPad: " ", startingAt: 0),
                        c.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0),
                        OutputText.age(now - c.createdAt).padding(toLength: 5, withPad: " ", startingAt: 0),
                        String(name.prefix(20)).padding(toLength: 20, withPad: " ", startingAt: 0),
                        pid.padding(toLength: 8, withPad: " ", startingAt: 0),
                        SafeText.strip(OutputText.holding(c.usage))].joined(separator: " ")
            print(line)
            if let note = c.note { print("        note: \(SafeText.strip(note))") }
            for r in reasons[c.id] ?? [] { print("        STUCK: \(SafeText.strip(r.description))") }
            if let h = hidden[c.id] { print("        NOTE: \(SafeText.strip(h.description))") }
        }
    }
}
