import Foundation
import Testing
import TestSupport

/// `Tests/Support/placement/fault_server.py` in one mode, and its URL.
enum FaultServer {
    /// The test certificate `fault_server.py` serves HTTPS with; no CA trusts it.
    static var certificate: String { PlacementServer.checkout + "/Tests/Fixtures/placement/tls/server.pem" }

    /// Starts the server in `mode` (HTTPS with `pem`), its port file in
    /// `run`'s directory; nil (recorded) when it cannot start.
    static func start(_ run: RestrackRun, mode: String, pem: String? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) -> (BackgroundChild, String)? {
        let python = TestEnvironment.executable(named: "python3")
        guard TestEnvironment.require(python != nil, "python3 for the fault server", sourceLocation: sourceLocation),
              let python else { return nil }
        let portFile = run.dir + "/port-\(mode)\(pem == nil ? "" : "-tls")"
        var error = ""
        guard let child = BackgroundChild(python, [PlacementServer.scripts + "/fault_server.py", portFile, mode]
                                            + (pem.map { [$0] } ?? []), error: &error) else {
            Issue.record("cannot start the fault server: \(error)", sourceLocation: sourceLocation)
            return nil
        }
        var port = ""
        for _ in 0..<200 where port.isEmpty {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            if port.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        guard !port.isEmpty else {
            child.kill()
            Issue.record("the fault server wrote no port in 10 s", sourceLocation: sourceLocation)
            return nil
        }
        return (child, "\(pem == nil ? "http" : "https")://127.0.0.1:\(port)")
    }
}
