import ArgumentParser
import Foundation
import Ledger
import TrackerCore

/// `restrack metrics`: the host's claims, pinned CPUs, hugepages, VFs,
/// stuck claims and findings in the Prometheus text exposition, for
/// node_exporter's textfile collector. Every number comes from the
/// `HostState` `list`, `check` and `observe` derive (`HostMetrics`).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Print the host's restrack metrics in the Prometheus text format, or write them for node_exporter.",
        discussion: """
            With --textfile DIR the exposition goes to DIR/restrack.prom, replaced atomically (a temporary \
            file in DIR, fsync, rename), for node_exporter's --collector.textfile.directory. With --interval S \
            restrack writes every S seconds until SIGTERM or SIGINT (exit 0); without it, once (for a timer). \
            Exit 0, 2 for unreadable input or an unwritable DIR (in --interval mode a failed round is reported \
            on stderr and the previous file is left, so restrack_last_success_timestamp_seconds goes stale).
            """)

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Option(help: ArgumentHelp("Write DIR/restrack.prom atomically instead of printing.", valueName: "DIR"),
            completion: .directory)
    var textfile: String?

    @Option(help: ArgumentHelp("Repeat every S seconds (0.1 to 86400) until SIGTERM or SIGINT.", valueName: "S"))
    var interval: Double?

    @Flag(help: "Leave out the consumer label (claims' consumer names), for fleets with cardinality limits.")
    var noConsumerLabels = false

    func validate() throws {
        if let interval, !(interval.isFinite && interval >= 0.1 && interval <= 86_400) {
            throw ValidationError("--interval must be 0.1 to 86400 seconds")
        }
        if let textfile, textfile.isEmpty {
            throw ValidationError("--textfile needs a directory")
        }
    }

    func run() throws {
        do {
            try metrics()
        } catch {
            throw error.reported(json: false)
        }
    }

    private func metrics() throws(CLIFailure) {
        let observing = try source.observations()
        let book = try ledger.open(for: source)
        observing.prime()
        guard let interval else {
            try emit(try scrape(observing, book))
            return
        }
        let stop = StopSignals()
        while !stop.requested {
            do {
                try emit(try scrape(observing, book))
            } catch {
                FileHandle.standardError.write(Data(("restrack: " + SafeText.strip(error.message) + "\n").utf8))
            }
            stop.wait(seconds: interval)
        }
    }

    /// One exposition: probe, read the ledger, derive, render.
    private func scrape(_ observing: HostObservations, _ book: Ledger) throws(CLIFailure) -> String {
        let started = Date()
        let snapshot = try source.loadSnapshot()
        let state: HostState
        do {
            state = try book.state(snapshot: snapshot, observe: { observing.observe(snapshot: snapshot, claims: $0, now: $1) })
        } catch {
            throw CLIFailure(error)
        }
        let done = Date()
        let scrape = HostMetrics.Scrape(durationSeconds: done.timeIntervalSince(started), timestamp: done.timeIntervalSince1970,
                                        version: RestrackVersion.current, consumerLabels: !noConsumerLabels)
        return HostMetrics.text(state, scrape: scrape)
    }

    private func emit(_ text: String) throws(CLIFailure) {
        guard let textfile else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try TextfileWriter(directory: textfile).write(text)
        } catch {
            throw CLIFailure.badInput(error.description)
        }
    }
}
