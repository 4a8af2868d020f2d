import ArgumentParser
import Ledger

/// `restrack confirm ID`: the consumer really started (claimed → confirmed).
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: "Mark a claim confirmed: its consumer is running.")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Argument(help: "Claim id.", completion: ClaimIDCompletion.kind)
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try SingleClaimVerb.run(ledger: ledger, source: source, json: json, done: "confirmed") { book throws(LedgerError) in
            try book.confirm(id, actor: .current())
        }
    }
}
