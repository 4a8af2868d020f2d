import Foundation
import Testing
import TestSupport

/// A real Placement for one suite: the checkout's `.placement-venv` (built
/// once by Tests/Support/placement/setup.sh when missing), started on a free
/// port in a temp directory and stopped with the suite.
final class PlacementServer: @unchecked Sendable {
    let url: String
    let runDir: String

    /// The checkout's top directory, from this file's place in it.
    static let checkout: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()
    static var scripts: String { checkout + "/Tests/Support/placement" }
    static var venv: String { checkout + "/.placement-venv" }

    /// The venv, built at most once per test process; nil with the reason when it cannot be.
    static let venvReady: String? = {
        if FileManager.default.isExecutableFile(atPath: venv + "/bin/gunicorn"),
           FileManager.default.isExecutableFile(atPath: venv + "/bin/placement-manage") { return nil }
        let r = ChildProcess.run("/bin/sh", [scripts + "/setup.sh", venv], env: ProcessInfo.processInfo.environment,
                                 timeout: 600)
        return r.status == 0 ? nil : "setup.sh failed (\(r.status)): \(r.output.suffix(400))"
    }()

    private init(url: String, runDir: String) {
        self.url = url
        self.runDir = runDir
    }

    /// A started Placement, or nil after recording (CI) or printing why not.
    static func start(sourceLocation: SourceLocation = #_sourceLocation) -> PlacementServer? {
        if let why = venvReady {
            _ = TestEnvironment.require(false, "a Placement venv (\(why))", sourceLocation: sourceLocation)
            return nil
        }
        let dir = NSTemporaryDirectory() + "restrack-placement-\(UUID().uuidString.prefix(8))"
        let r = ChildProcess.run("/bin/sh", [scripts + "/start.sh", venv, dir, "0"], env: ProcessInfo.processInfo.environment,
                                 timeout: 120)
        let url = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard r.status == 0, url.hasPrefix("http://") else {
            _ = TestEnvironment.require(false, "a running Placement (start.sh: \(r.output.suffix(400)))",
                                        sourceLocation: sourceLocation)
            return nil
        }
        return PlacementServer(url: url, runDir: dir)
    }

    func stop() {
        _ = ChildProcess.run("/bin/sh", [Self.scripts + "/stop.sh", runDir], env: ProcessInfo.processInfo.environment)
        try? FileManager.default.removeItem(atPath: runDir)
    }
}
