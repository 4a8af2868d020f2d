import ArgumentParser
import Foundation
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
            """)

    @Option(name: .customLong("host"), help: "Host snapshot JSON (fit contract).")
    var hostFile: String?

    @Option(name: .customLong("request"), help: "Request JSON (fit contract).")
    var requestFile: String?

    @Option(name: .customLong("batch"), help: "Directory of NNNN.host.json / NNNN.request.json pairs.")
    var batchDir: String?

    func validate() throws {
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
}
