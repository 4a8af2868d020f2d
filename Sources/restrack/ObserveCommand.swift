import ArgumentParser
import Foundation
import Ledger
import TrackerCore

/// `restrack observe`: what the host really uses, beside what restrack
/// promised: per-CPU load, kernel memory and hugepages per cell, every
/// holder (claims, pinned processes and cgroups, the host's own devices,
/// hugepages in use outside restrack) and the findings `check` would report.
struct ObserveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observe",
        abstract: "Print live utilisation, every holder of host resources and the findings about them.",
        discussion: """
            CPU load is the difference of two /proc/stat reads, so observe samples over --interval seconds \
            (default 0.5). With --host FILE nothing is observed but the snapshot's own counts. Exit 0 \
            (findings are reported, not judged: use check for that), 2 for unreadable input.
            """)

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Option(help: "Seconds to sample CPU load over (0.05 to 60).")
    var interval: Double = 0.5

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard interval.isFinite, interval >= 0.05, interval <= 60 else {
            throw ValidationError("--interval must be 0.05 to 60 seconds")
        }
    }

    func run() throws {
        do {
            try observe()
        } catch {
            throw error.reported(json: json)
        }
    }

    private func observe() throws(CLIFailure) {
        let observing = try source.observations()
        var snapshot = try source.loadSnapshot()
        let book = try ledger.open(for: source)
        // The first read only primes the load counters.
        _ = observing.observe(snapshot: snapshot, claims: [], now: Date().timeIntervalSince1970)
        Thread.sleep(forTimeInterval: interval)
        snapshot = try source.loadSnapshot()
        let state: HostState
        do {
            state = try book.state(snapshot: snapshot, observe: { observing.observe(snapshot: snapshot, claims: $0, now: $1) })
        } catch {
            throw CLIFailure(error)
        }
        let view = ObserveView(state: state, interval: interval)
        if json {
            OutputText.printJSON(view)
        } else {
            for line in ObserveText.lines(view) { print(SafeText.strip(line)) }
        }
    }
}
