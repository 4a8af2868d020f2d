import ArgumentParser
import Foundation
import Ledger

/// `--ledger PATH`, shared by every verb that reads or writes claims.
struct LedgerPathOptions: ParsableArguments {
    @Option(name: .customLong("ledger"),
            help: "Ledger file (default: $RESTRACK_LEDGER, /var/lib/restrack/ledger.sqlite as root, else $XDG_STATE_HOME/restrack/ledger.sqlite).")
    var path: String?

    var resolvedPath: String {
        LedgerLocation.resolve(explicit: path, environment: ProcessInfo.processInfo.environment,
                               effectiveUID: geteuid(), home: NSHomeDirectory())
    }

    func open() throws(CLIFailure) -> Ledger {
        do {
            return try Ledger.open(path: resolvedPath)
        } catch {
            throw CLIFailure(error)
        }
    }
}
