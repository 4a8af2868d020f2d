import ArgumentParser
import Foundation
import Ledger

/// `--ledger PATH`, shared by every verb that reads or writes claims.
struct LedgerPathOptions: ParsableArguments {
    @Option(name: .customLong("ledger"),
            help: "Ledger file (default: $RESTRACK_LEDGER, /var/lib/restrack/ledger.sqlite as root, else $XDG_STATE_HOME/restrack/ledger.sqlite; a simulated host gets its own file under simulated/ there).")
    var path: String?

    /// The ledger for the host `source` names: a simulated host never shares
    /// the live host's ledger, and gets one ledger however its path is spelt.
    func resolvedPath(for source: HostSourceOptions) -> String {
        LedgerLocation.resolve(explicit: path, environment: ProcessInfo.processInfo.environment,
                               effectiveUID: geteuid(), home: NSHomeDirectory(),
                               simulatedHost: source.hostFile ?? source.sysfsRoot)
    }

    func open(for source: HostSourceOptions) throws(CLIFailure) -> Ledger {
        do {
            return try Ledger.open(path: resolvedPath(for: source))
        } catch {
            throw CLIFailure(error)
        }
    }
}
