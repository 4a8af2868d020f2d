import ArgumentParser
import Foundation
import Ledger
import TrackerCore

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Decide where a request would land; changes nothing.",
        discussion: """
            Prints one decision JSON (fit-contract format) and exits 0 whether or not the request fits; \
            exits 2 with one line on stderr naming the file and JSON path when a document cannot be read.
            With --batch DIR, decides every NNNN.host.json / NNNN.request.json pair in DIR, sorted by name, \
            one JSON line per pair with its "id"; a pair that cannot be read, or half a pair, gives \
            {"id", "error"} and the batch goes on (exit 2 at the end); a directory without pairs is exit 2.
            Documents are regular files of at most 64 MiB.
            With --live, decides against the live host (or --sysfs-root DIR) minus every live claim in the \
            ledger minus what others hold (pinned processes, hugepages in use outside restrack, devices the \
            host uses), as claim would, naming the holder in the way; --host FILE stays the pure fit.
            """)

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Flag(help: "Decide against the live host, the ledger and every holder (as claim does).")
    var live = false

    @Option(name: .customLong("request"), help: "Request JSON (fit contract).")
    var requestFile: String?

    @Option(name: .customLong("batch"), help: "Directory of NNNN.host.json / NNNN.request.json pairs.")
    var batchDir: String?

    var hostFile: String? { source.hostFile }

    func validate() throws {
        if live {
            guard hostFile == nil, batchDir == nil else {
                throw ValidationError("--live decides against this host; --host FILE and --batch DIR are the pure fit")
            }
            guard requestFile != nil else { throw ValidationError("give --request FILE with --live") }
            return
        }
        if source.sysfsRoot != nil || source.configPath != nil {
            throw ValidationError("--sysfs-root and --config need --live (the pure fit reads only --host FILE)")
        }
        if batchDir != nil {
            guard hostFile == nil, requestFile == nil else {
                throw ValidationError("give either --batch DIR or --host FILE --request FILE, not both")
            }
        } else {
            guard hostFile != nil, requestFile != nil else {
                throw ValidationError("give --host FILE and --request FILE (or --batch DIR)")
            }
        }
    }

    func run() throws {
        if live { return try fitLive() }
        if let batchDir {
            let anyBad = try FitBatch.run(directory: batchDir)
            if anyBad { throw ExitCode(2) }
            return
        }
        guard let hostFile, let requestFile else { throw CLIFailure.badInput("give --host FILE and --request FILE") }
        let host = try loadJSON(HostSnapshot.self, path: hostFile, document: "host")
        let request = try loadJSON(Request.self, path: requestFile, document: "request")
        print(Fitter.fit(request, on: host).jsonText())
    }

    /// The fit `claim` would make now, without recording it.
    private func fitLive() throws {
        guard let requestFile else { throw CLIFailure.badInput("give --request FILE") }
        let request = try loadJSON(Request.self, path: requestFile, document: "request")
        let snapshot = try source.loadSnapshot()
        let observing = try source.observations()
        let book = try ledger.open(for: source)
        let state: HostState
        do {
            state = try book.state(snapshot: snapshot, observe: { observing.observe(snapshot: snapshot, claims: $0, now: $1) })
        } catch {
            throw CLIFailure(error)
        }
        let decision = state.live.map { LiveFit.fit(request, view: $0) } ?? Fitter.fit(request, on: state.effective)
        print(decision.jsonText())
    }
}
