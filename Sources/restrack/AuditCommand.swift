import ArgumentParser
import Dashboard
import Foundation
import TrackerCore
import Ledger

/// `restrack audit [--since T]`: who claimed, confirmed, released or aborted what, and every refusal.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show the ledger's audit log.")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Option(help: "Only entries since T: a duration back (1h, 30m, 2d), an ISO 8601 date or time (2026-01-01, 2026-01-01T08:00, …Z or …+02:00; local time without a zone) or epoch seconds.")
    var since: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            var from: Double?
            if let since {
                guard let t = TimeText.since(since, now: Date().timeIntervalSince1970) else {
                    throw CLIFailure.badInput("--since '\(SafeText.strip(String(since.prefix(80))))': \(TimeText.sinceHelp)")
                }
                from = t
            }
            let entries: [AuditEntry]
            let book = try ledger.open(for: source)
            do { entries = try book.audit(since: from) } catch { throw CLIFailure(error) }
            if json {
                OutputText.printJSON(entries)
                return
            }
            if entries.isEmpty {
                // Silence would read as a hang or a broken pipe.
                print(from.map { "no audit entries since \(ClockText.iso8601UTC($0))" } ?? "no audit entries: the ledger has recorded nothing yet")
                return
            }
            for e in entries {
                let reason = e.reason.map { " — " + SafeText.strip($0) } ?? ""
                print("\(ClockText.iso8601UTC(e.at)) \(e.action) \(e.outcome) \(e.claimID.map(SafeText.strip) ?? "-") by \(SafeText.strip(e.user)) (uid \(e.uid), pid \(e.pid)) on \(SafeText.strip(e.host))\(reason)")
            }
        } catch let failure as CLIFailure {
            throw failure.reported(json: json)
        }
    }
}
