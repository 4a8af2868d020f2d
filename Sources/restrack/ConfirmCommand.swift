import ArgumentParser
import Ledger
import TrackerCore

/// `restrack confirm ID`: the consumer really started (claimed → confirmed).
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: "Mark a claim confirmed: its consumer is running.")

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
            do { claim = try book.confirm(id, actor: .current()) } catch { throw CLIFailure(error) }
            if json { OutputText.printJSON(ClaimView(claim: claim, stuck: [])) } else { print("confirmed \(claim.id)") }
        } catch let failure as CLIFailure {
            throw failure.reported(json: json)
        }
    }
}
