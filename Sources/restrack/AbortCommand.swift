import ArgumentParser
import Ledger

/// `restrack abort ID`: drop a claim whose consumer never started.
struct AbortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "abort", abstract: "Drop an unconfirmed claim (a confirmed one is released instead).")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Argument(help: "Claim id.", completion: ClaimIDCompletion.kind)
    var id: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try SingleClaimVerb.run(ledger: ledger, source: source, json: json, done: "aborted") { book throws(LedgerError) in
            try book.abort(id, actor: .current())
        }
    }
}
