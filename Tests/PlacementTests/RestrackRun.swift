import Foundation
import TestSupport

/// Runs the built `restrack` with a private ledger, as an operator would.
struct RestrackRun {
    let dir: String
    var ledger: String { dir + "/ledger.sqlite" }

    init() {
        dir = NSTemporaryDirectory() + "restrack-plc-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }

    /// The directory of the built products: beside the test bundle.
    static let binary: String = {
        let here = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent().path
        for candidate in [here, PlacementServer.checkout + "/.build/debug"]
        where FileManager.default.isExecutableFile(atPath: candidate + "/restrack") {
            return candidate + "/restrack"
        }
        return PlacementServer.checkout + "/.build/debug/restrack"
    }()

    static var exampleHost: String { PlacementServer.checkout + "/examples/hosts/two-socket-e810.json" }

    @discardableResult
    func run(_ args: [String], withLedger: Bool = true, timeout: Double = 120) -> ChildProcess.Result {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "RESTRACK_LEDGER")
        return ChildProcess.run(Self.binary, args + (withLedger ? ["--ledger", ledger] : []), env: env, timeout: timeout)
    }

    /// Writes `json` as a request file and claims it on `host`; the claim id.
    func claim(_ json: String, host: String = exampleHost, consumer: String) -> String? {
        let path = dir + "/req-\(UUID().uuidString.prefix(6)).json"
        _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        let r = run(["claim", "--host", host, "--request", path, "--consumer", consumer])
        let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return r.status == 0 && !id.isEmpty ? id : nil
    }

    func sync(_ url: String, name: String, host: String = exampleHost, token: String = "admin",
              extra: [String] = []) -> ChildProcess.Result {
        run(["placement", "sync", "--url", url, "--token", token, "--host", host, "--name", name, "--json"] + extra)
    }
}
