import Foundation
import Testing

/// `restrack metrics --interval S --textfile DIR`, the `Type=simple` unit's
/// command: it rewrites the file every S seconds and ends with exit 0 on
/// SIGTERM or SIGINT.
@Suite struct MetricsIntervalTests {
    static func stamp(_ file: String) -> Double? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let prefix = "restrack_last_success_timestamp_seconds "
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.dropFirst(prefix.count)) }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func rewritesUntilSignalledThenExitsZero(signal: Int32) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = try #require(MetricsCLITests.host(cli))
        let file = cli.dir + "/restrack.prom"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: LedgerCLI.restrack)
        p.arguments = ["metrics", "--interval", "0.2", "--textfile", cli.dir, "--host", host, "--ledger", cli.dir + "/l.sqlite"]
        p.standardInput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        // Two different stamps: the file was rewritten, not written once.
        var stamps = Set<Double>()
        let deadline = Date().addingTimeInterval(60)
        while stamps.count < 2, Date() < deadline, p.isRunning {
            if let s = Self.stamp(file) { stamps.insert(s) }
            usleep(50_000)
        }
        #expect(stamps.count >= 2)
        kill(p.processIdentifier, signal)
        let end = Date().addingTimeInterval(30)
        while p.isRunning, Date() < end { usleep(20_000) }
        #expect(!p.isRunning)
        #expect(p.terminationReason == .exit)
        #expect(p.terminationStatus == 0)
        // The last file is whole and only it is left.
        #expect(try FileManager.default.contentsOfDirectory(atPath: cli.dir).filter { $0.hasPrefix(".restrack") }.isEmpty)
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasSuffix("restrack_build_info{version=\"\(LedgerCLI.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))\"} 1\n"))
    }
}
