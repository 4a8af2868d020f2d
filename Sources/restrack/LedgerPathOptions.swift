import ArgumentParser
import Foundation
import Ledger

/// `--ledger PATH`, shared by every verb that reads or writes claims.
struct LedgerPathOptions: ParsableArguments {
    @Option(name: .customLong("ledger"),
            help: "Ledger file (default: $RESTRACK_LEDGER, /var/lib/restrack/ledger.sqlite as root, else $XDG_STATE_HOME/restrack/ledger.sqlite; a simulated host gets its own file under simulated/ there).")
    var path: String?

    /// The ledger for the host `source` names: a simulated host never shares
    /// the live host's ledger.
    func resolvedPath(for source: HostSourceOptions) -> String {
        let simulated = source.hostFile ?? source.sysfsRoot
        return LedgerLocation.resolve(explicit: path, environment: ProcessInfo.processInfo.environment,
                                      effectiveUID: geteuid(), home: NSHomeDirectory(),
                                      simulatedHost: simulated.map(Self.absolute))
    }

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return (cwd.hasSuffix("/") ? cwd : cwd + "/") + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    func open(for source: HostSourceOptions) throws(CLIFailure) -> Ledger {
        do {
            return try Ledger.open(path: resolvedPath(for: source))
        } catch {
            throw CLIFailure(error)
        }
    }
}
