import ArgumentParser
import Foundation
import HostProbes
import Ledger
import TrackerCore

/// `restrack release ID… [--reason TEXT]` or `restrack release --stuck [--dry-run]`.
struct ReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release claims: their resources are free again.",
        discussion: """
            With IDs, releases each one (each in its own transaction); exit 1 if an id is unknown or a \
            claim could not be released (already released or aborted). With --stuck, releases every stuck \
            claim and audits each with its reasons; --dry-run only lists them.
            """)

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Argument(help: "Claim ids.", completion: ClaimIDCompletion.kind)
    var ids: [String] = []

    @Option(help: "Why, for the audit log (200 characters kept).")
    var reason: String?

    @Flag(help: "Release every stuck claim.")
    var stuck = false

    @Flag(name: .customLong("dry-run"), help: "With --stuck: list what would be released, change nothing.")
    var dryRun = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if stuck && !ids.isEmpty { throw ValidationError("give claim ids or --stuck, not both") }
        if !stuck && ids.isEmpty { throw ValidationError("give the claim ids to release, or --stuck") }
        if dryRun && !stuck { throw ValidationError("--dry-run goes with --stuck") }
    }

    func run() throws {
        do {
            if stuck { try releaseStuck() } else { try releaseIDs() }
        } catch let failure as CLIFailure {
            throw failure.reported(json: json)
        }
    }

    private func releaseIDs() throws {
        let book = try ledger.open(for: source)
        var released: [ClaimView] = []
        var failures: [CLIFailure] = []
        for id in ids {
            do {
                let claim = try book.release(id, reason: reason, actor: .current())
                released.append(ClaimView(claim: claim, stuck: []))
                if !json { print("released \(claim.id)") }
            } catch {
                let failure = CLIFailure(error)
                failures.append(failure)
                FileHandle.standardError.write(Data("restrack: \(SafeText.strip(failure.message))\n".utf8))
            }
        }
        if json { OutputText.printJSON(ReleaseView(released: released, errors: failures.map(\.message))) }
        if let worst = failures.max(by: { $0.exitCode < $1.exitCode }) {
            // Each failure is already on stderr (and in the JSON): only the code is left.
            throw ExitCode(worst.exitCode)
        }
    }

    private func releaseStuck() throws(CLIFailure) {
        let snapshot = try source.loadSnapshotIfPossible()
        let book = try ledger.open(for: source)
        let probe = ProcessProbe()
        let found: [(claim: Claim, reasons: [StuckReason])]
        do {
            found = try book.releaseStuck(snapshot: snapshot, observe: { probe.observe($0, now: $1) },
                                          dryRun: dryRun, actor: .current())
        } catch {
            throw CLIFailure(error)
        }
        if json {
            OutputText.printJSON(StuckReleaseView(dryRun: dryRun, claims: found.map { ClaimView(claim: $0.claim, stuck: $0.reasons) }))
            return
        }
        if found.isEmpty { print("no stuck claims") }
        for (claim, reasons) in found {
            let verb = dryRun ? "would release" : "released"
            print("\(verb) \(claim.id) (\(SafeText.strip(claim.consumer.name))): "
                  + reasons.map { SafeText.strip($0.description) }.joined(separator: "; "))
        }
    }
}
