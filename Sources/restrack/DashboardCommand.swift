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

    @Option(help: """
        Seconds after which a poll re-reads the host's holders (tasks, cgroups, device use, libvirt, kubelet) \
        even when no change signal fired; 0 re-reads them at every poll. Load and memory are read at every poll; \
        claims and previews always read everything.
        """)
    var rescan: Double = 30

    func validate() throws {
        guard PollInterval.isValid(interval) else {
            throw ValidationError("--interval must be \(PollInterval.rangeText)")
        }
        guard rescan >= 0, rescan <= 3600 else {
            throw ValidationError("--rescan must be 0…3600 seconds")
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
        // A refused log file (a symlink, another user's file or directory)
        // means no log, said once on the status line; never a crash and
        // never a write through someone else's path.
        let opened = LogFile.open(path: logPath)
        let logFile = try? opened.get()
        var notice: String?
        if case .failure(let refusal) = opened { notice = "logging off: \(refusal)" }
        LoggingSystem.bootstrap { label in FileLogHandler(label: label, file: logFile) }
        let logger = Logger(label: "restrack.dashboard")

        // Read the host once before curses starts, so a bad --host file is
        // a one-line error on a normal terminal.
        let loader = source.loader()
        do {
            _ = try loader.load()
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        // The ledger opens before curses too: a locked or damaged ledger is
        // a clear error on a normal terminal, not a broken screen.
        let book = try ledger.open(for: source)
        logger.info("dashboard on ledger \(book.path)")
        let service: LedgerClaimService
        // Each poll loads, then observes that snapshot: the observer may
        // take the loader's read of the devices' drivers and interfaces.
        let observing = try source.observations(loader: loader)
        do {
            service = try LedgerClaimService(ledger: book, snapshot: { try loader.load() },
                                             displaySnapshot: { [rescan] in try loader.loadForDisplay(rescanAfter: rescan) },
                                             observeHost: { observing.observe(snapshot: $0, claims: $1, now: $2) },
                                             observeDisplay: { [rescan] in
                                                 observing.observe(snapshot: $0, claims: $1, now: $2,
                                                                   tier: .display(rescanAfter: rescan))
                                             })
        } catch {
            throw CLIFailure(error)
        }
        let catalog = ThemeCatalog.standard(environment: env, executablePath: ExecutableLocation.path)
        let terminal: Terminal
        do {
            terminal = try Terminal()
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        var options = DashboardOptions(readOnly: readOnly, theme: theme, noColor: noColor, ascii: ascii, interval: interval,
                                       startedAt: started)
        options.notice = notice
        App(terminal: terminal, service: service, options: options, catalog: catalog, environment: env, utf8: utf8,
            logger: logger).run()
        terminal.end()
        // Killed by a signal: restore the terminal (above), then exit the
        // way the shell expects (130 for Ctrl-C).
        if let sig = Terminal.terminationSignal { throw ExitCode(128 + sig) }
    }
}
