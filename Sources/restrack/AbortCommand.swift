import ArgumentParser
import Ledger
import TrackerCore

/// `restrack abort ID`: drop a claim whose consumer never started.
struct AbortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort", abstract: "Drop an unconfirmed claim (a confirmed one is released instead).")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Argument(help: "Claim id.")
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            let claim: Claim
            let book = try ledger.open()
            do { claim = try book.abort(id, actor: .current()) } catch { throw CLIFailure(error) }
            if json { OutputText.printJSON(ClaimView(claim: claim, stuck: [])) } else { print("aborted \(claim.id)") }
        } catch let failure as CLIFailure {
            throw failure.reported(json: json)
        }
    }
}
