import Foundation
import Testing

/// `--count-defined` is accepted by every command that observes the host.
@Suite struct CountDefinedCLITests {
    @Test func everyObservingCommandTakesCountDefined() {
        for verb in ["fit", "claim", "check", "list", "observe", "dashboard"] {
            let help = LedgerCLI.run([verb, "--help"])
            #expect(help.status == 0, "\(verb): \(help.stderr)")
            #expect(help.stdout.contains("--count-defined"), "\(verb) --help lacks --count-defined")
        }
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        // Parsed and used on this host: list reports, exit 0.
        let out = LedgerCLI.run(["list", "--count-defined", "--ledger", cli.dir + "/ledger.sqlite"])
        #expect(out.status == 0, "\(out.stderr)")
    }
}
