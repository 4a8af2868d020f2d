import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `restrack metrics --textfile DIR` read by a real node_exporter
/// (Debian's prometheus-node-exporter) through its textfile collector,
/// scraped over HTTP on loopback.
@Suite struct NodeExporterTests {
    static let binary: String? = ["/usr/bin/prometheus-node-exporter", "prometheus-node-exporter", "node_exporter"]
        .lazy.compactMap { TestEnvironment.executable(named: $0) }.first

    static func get(_ url: URL) -> String? {
        guard let data = try? Data(contentsOf: url) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func nodeExporterServesRestracksSeriesWithoutErrors() throws {
        guard TestEnvironment.require(Self.binary != nil, "prometheus-node-exporter (apt install prometheus-node-exporter)"),
              let binary = Self.binary else { return }
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let dir = cli.dir + "/textfile"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let host = try #require(MetricsCLITests.host(cli))
        let source = ["--host", host, "--ledger", cli.dir + "/ledger.sqlite"]
        let req = cli.write("vf.json", #"{"vcpus": 2, "memory_mb": 512, "pci_requests": [{"alias": "e810-vf", "count": 2}]}"#)
        // A consumer name the exposition has to escape (quote, backslash).
        let claim = LedgerCLI.run(["claim"] + source + ["--request", req, "--consumer", #"vm "x"\y"#, "--pid", String(getpid()),
                                                         "--confirm"])
        try #require(claim.status == 0, "\(claim.stderr)")
        let write = LedgerCLI.run(["metrics", "--textfile", dir] + source)
        try #require(write.status == 0, "\(write.stderr)")
        let file = dir + "/restrack.prom"
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["restrack.prom"])
        let written = try String(contentsOfFile: file, encoding: .utf8)
        let mine = try #require(MetricsExposition.parse(written, in: cli.dir))
        #expect(mine.problems.isEmpty)

        let port = try #require(LoopbackPort.free())
        let log = cli.dir + "/node_exporter.log"
        try #require(FileManager.default.createFile(atPath: log, contents: nil))
        let exporter = Process()
        exporter.executableURL = URL(fileURLWithPath: binary)
        exporter.arguments = ["--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults",
                              "--collector.textfile", "--collector.textfile.directory=\(dir)"]
        let logHandle = try #require(FileHandle(forWritingAtPath: log))
        exporter.standardOutput = logHandle
        exporter.standardError = logHandle
        exporter.standardInput = FileHandle.nullDevice
        do {
            try exporter.run()
        } catch {
            Issue.record("cannot start \(binary): \(error)")
            return
        }
        defer {
            kill(exporter.processIdentifier, SIGKILL)
            exporter.waitUntilExit()
        }
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/metrics"))
        var body: String?
        let deadline = Date().addingTimeInterval(30)
        while body == nil, Date() < deadline, exporter.isRunning {
            body = Self.get(url)
            if body == nil { usleep(100_000) }
        }
        let logText = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let scraped = try #require(body, "node_exporter did not answer on 127.0.0.1:\(port): \(logText())")
        let m = try #require(MetricsExposition.parse(scraped, in: cli.dir))
        // The script's order check knows no summaries (node_exporter's own go_gc_* _sum/_count).
        #expect(m.problems.filter { $0.contains("restrack_") || $0.contains("duplicate") }.isEmpty, "\(m.problems)")
        #expect(m.value("node_textfile_scrape_error") == 0, "\(logText())")
        #expect(!m.series("node_textfile_mtime_seconds", ["file": file]).isEmpty || !m.series("node_textfile_mtime_seconds").isEmpty)
        // Every restrack series of the file, with its value, as node_exporter serves it.
        let served = m.samples.filter { $0.name.hasPrefix("restrack_") }
        #expect(served.count == mine.samples.count)
        for s in mine.samples {
            #expect(m.value(s.name, s.labels) == s.value, "\(s.name)\(s.labels)")
        }
        #expect(m.value("restrack_pf_vfs_claimed", ["pf": "0000:3b:00.0"]).map { $0 + (m.value("restrack_pf_vfs_claimed", ["pf": "0000:af:00.0"]) ?? 0) } == 2)
        #expect(m.series("restrack_device_in_use_info").allSatisfy { $0.labels["consumer"] == #"vm "x"\y"# })
        #expect(m.series("restrack_device_in_use_info").count == 2)
        #expect(!logText().contains("collected before"), "\(logText())")
        #expect(!logText().contains("level=error"), "\(logText())")
    }
}
