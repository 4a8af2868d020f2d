import Foundation
import Testing
import TestSupport

/// An exposition as Python's `prometheus_client` parser reads it (through
/// Tests/Fixtures/metrics/check_exposition.py), with the checks that parser
/// forgives (HELP/TYPE order, duplicates, label order) as `problems`.
struct MetricsExposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var problems: [String]
    var families: [String]
    var samples: [Sample]

    /// A python3 that can import prometheus_client: Debian's
    /// python3-prometheus-client lives in /usr/bin/python3's dist-packages,
    /// which a pyenv python3 on PATH does not see, so that one comes first.
    static let python: String? = {
        for candidate in ["/usr/bin/python3", TestEnvironment.executable(named: "python3")].compactMap({ $0 }) {
            let r = ChildProcess.run(candidate, ["-c", "import prometheus_client.parser"], env: ProcessInfo.processInfo.environment)
            if r.status == 0 { return candidate }
        }
        return nil
    }()

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/metrics/check_exposition.py").path

    /// The parse of `text`, nil (with the reason recorded) when it failed.
    static func parse(_ text: String, in dir: String, sourceLocation: SourceLocation = #_sourceLocation) -> MetricsExposition? {
        guard let python else {
            Issue.record("needs python3 with prometheus_client (apt install python3-prometheus-client)", sourceLocation: sourceLocation)
            return nil
        }
        let file = dir + "/exposition-\(UUID().uuidString).prom"
        guard FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) else {
            Issue.record("cannot write \(file)", sourceLocation: sourceLocation)
            return nil
        }
        let r = ChildProcess.run(python, [script, file], env: ProcessInfo.processInfo.environment)
        guard r.status == 0, let doc = LedgerCLI.json(r.stdout) as? [String: Any] else {
            Issue.record("the parser refused the exposition: \(r.stderr)", sourceLocation: sourceLocation)
            return nil
        }
        let samples = (doc["samples"] as? [[String: Any]] ?? []).map {
            Sample(name: $0["name"] as? String ?? "", labels: $0["labels"] as? [String: String] ?? [:],
                   value: ($0["value"] as? NSNumber)?.doubleValue ?? .nan)
        }
        return MetricsExposition(problems: doc["problems"] as? [String] ?? ["no problems key"],
                                 families: (doc["families"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String },
                                 samples: samples)
    }

    /// The series of `name` whose labels include `labels`.
    func series(_ name: String, _ labels: [String: String] = [:]) -> [Sample] {
        samples.filter { s in s.name == name && labels.allSatisfy { s.labels[$0.key] == $0.value } }
    }

    /// The value of the one series of `name` with exactly these labels; nil when absent.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}
