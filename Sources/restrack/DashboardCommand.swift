import ArgumentParser
import Dashboard
import Foundation
import HostProbes
import Ledger
import Logging
import TrackerCore

/// `restrack` with no verb: the interactive dashboard.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "Open the interactive dashboard (the default when no command is given).")

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Flag(name: .customLong("read-only"), help: "Show only; every key that would change the ledger is disabled.")
    var readOnly = false

    @Option(help: "Theme name (from the themes directories) or path to a .theme file.",
            completion: ThemeNameCompletion.kind)
    var theme: String?

    @Flag(name: .customLong("no-color"), help: "No colour, attributes only (also set by NO_COLOR).")
    var noColor = false

    @Flag(help: "ASCII lines and bars instead of box-drawing characters.")
    var ascii = false

    @Option(help: "Seconds between polls of the host and the ledger.")
    var interval: Double = 1.0

    func validate() throws {
        guard interval.isFinite, interval >= 0.2, interval <= 3600 else {
            throw ValidationError("--interval must be between 0.2 and 3600 seconds")
        }
    }

    func run() throws {
        let started = Date()
        let env = ProcessInfo.processInfo.environment
        if let problem = Terminal.probe(environment: env) {
            throw CLIFailure.badInput(problem.description)
        }
        let utf8 = Terminal.localeIsUTF8()
        let logPath = FileLogHandler.path(environment: env)
        let handle = FileLogHandler.open(path: logPath)
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, handle: handle) }
        let logger = Logger(label: "restrack.dashboard")

        // Read the host once before curses starts, so a bad --host file is
        // a one-line error on a normal terminal.
        let snapshot = try makeSnapshotSource()
        _ = try loadFirst(snapshot)
        // The ledger opens before curses too: a locked or damaged ledger is
        // a clear error on a normal terminal, not a broken screen.
        let book = try ledger.open(for: source)
        logger.info("dashboard on ledger \(book.path)")
        let service = LedgerClaimService(ledger: book, snapshot: snapshot)
        let catalog = ThemeCatalog.standard(environment: env, executablePath: ExecutableLocation.path)
        let terminal: Terminal
        do {
            terminal = try Terminal()
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        let options = DashboardOptions(readOnly: readOnly, theme: theme, noColor: noColor, ascii: ascii, interval: interval,
                                       startedAt: started)
        App(terminal: terminal, service: service, options: options, catalog: catalog, environment: env, utf8: utf8,
            logger: logger).run()
        terminal.end()
        // Killed by a signal: restore the terminal (above), then exit the
        // way the shell expects (130 for Ctrl-C).
        if let sig = Terminal.terminationSignal { throw ExitCode(128 + sig) }
    }

    func makeSnapshotSource() throws -> () throws -> HostSnapshot {
        if let file = source.hostFile {
            let src = HostFileSource(path: file)
            return { try src.snapshot() }
        }
        let opts = ProbeOptions(sysfsRoot: source.sysfsRoot, configPath: source.configPath)
        return { try HostProbe.snapshot(opts) }
    }

    func loadFirst(_ snapshot: () throws -> HostSnapshot) throws(CLIFailure) -> HostSnapshot {
        do {
            return try snapshot()
        } catch let e as InputError {
            throw CLIFailure.badInput(e.description)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
    }
}
