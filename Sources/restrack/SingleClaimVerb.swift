import Ledger
import TrackerCore

/// What `confirm` and `abort` share: open the ledger, move one claim to its
/// next state, print it (its id, or the claim as JSON), report a refusal.
enum SingleClaimVerb {
    static func run(ledger: LedgerPathOptions, source: HostSourceOptions, json: Bool, done: String,
                    _ change: (Ledger) throws(LedgerError) -> Claim) throws {
        do {
            let book = try ledger.open(for: source)
            let claim: Claim
            do { claim = try change(book) } catch { throw CLIFailure(error) }
            if json { OutputText.printJSON(ClaimView(claim: claim, stuck: [])) } else { print("\(done) \(claim.id)") }
        } catch let failure as CLIFailure {
            throw failure.reported(json: json)
        }
    }
}
