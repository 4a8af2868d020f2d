import ArgumentParser
import Foundation
import HostProbes
import Ledger
import TrackerCore

/// `restrack check`: for cron and monitoring. Exit 0 when the ledger is
/// sound and matches the host; 1 with one line per problem otherwise.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check ledger integrity, PF/VF consistency, stuck claims, drift, outside use and conflicts; exit 1 on problems.")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            try check()
        } catch let failure as CLIFailure {
            throw failure.reported(json: json)
        }
    }

    private func check() throws {
        let snapshot = try source.loadSnapshot()
        let book = try ledger.open(for: source)
        let observing = try source.observations()
        let report: CheckReport
        do {
            report = try book.check(snapshot: snapshot, observe: { observing.observe(snapshot: snapshot, claims: $0, now: $1) })
        } catch {
            throw CLIFailure(error)
        }
        let stuckLines = report.stuck.map { s in
            "claim \(s.claim.id) (\(SafeText.strip(s.claim.consumer.name))) is stuck: "
                + s.reasons.map(\.description).joined(separator: "; ")
        }
        if json {
            OutputText.printJSON(CheckView(ok: report.isHealthy, liveClaims: report.liveClaims, integrity: report.integrity,
                                           conflicts: report.conflicts,
                                           stuck: report.stuck.map { ClaimView(claim: $0.claim, stuck: $0.reasons) },
                                           drift: report.drift, warnings: report.warnings, findings: report.findings))
        } else {
            // Lines quote the host's strings (addresses, drivers), which a
            // --host file can fill with anything.
            for line in report.integrity { print("INTEGRITY \(SafeText.strip(line))") }
            for line in report.conflicts { print("CONFLICT  \(SafeText.strip(line))") }
            for line in stuckLines { print("STUCK     \(SafeText.strip(line))") }
            for d in report.drift { print("DRIFT     \(SafeText.strip(d.message))") }
            for f in report.findings {
                print("\(f.isBlindSpot ? "WARNING  " : Self.label(f.kind)) \(SafeText.strip(f.message))")
            }
            for w in report.warnings { print("WARNING   \(SafeText.strip(w))") }
            if report.isHealthy { print("ok: \(report.liveClaims) live claims, ledger \(book.path)") }
        }
        if !report.isHealthy { throw ExitCode(1) }
    }

    /// The word before a holder finding's line, padded like the others.
    static func label(_ kind: FindingKind) -> String {
        switch kind {
        case .outsideUse: return "OUTSIDE  "
        case .conflict: return "CONFLICT "
        case .drift: return "DRIFT    "
        case .notVisible: return "NOTE     "
        case .stale: return "STALE    "
        case .checksumMismatch: return "CHECKSUM "
        case .invalidFile: return "INVALID  "
        }
    }
}
