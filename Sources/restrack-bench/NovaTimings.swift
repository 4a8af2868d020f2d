import Foundation

/// Nova's times for the same scenarios, read from the oracle's outputs:
/// compare.py's `--report` (one JSON line per scenario: `nova_total_ms`, the
/// whole in-process Nova work, and `nova_fit_call_ms`) and bench_large.py's
/// table (case, guest nodes, engine, fits, fit call, fit()).
struct NovaTimings {
    /// Scenario id → Nova's whole in-process time (ms).
    var perScenario: [String: Double] = [:]
    /// "case-nodes" → Nova's fit() time (ms), engine `nova`.
    var large: [String: Double] = [:]

    static func readReport(_ path: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let id = obj["id"] as? String, let ms = obj["nova_total_ms"] as? Double else { continue }
            out[id] = ms
        }
        return out
    }

    /// Rows like `fit-pci          4 nova        True       6.9 ms       8.1 ms  valid`.
    static func readBenchLarge(_ path: String) throws -> [String: Double] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count >= 8, f[2] == "nova", let nodes = Int(f[1]), let value = Double(f[6]) else { continue }
            out["\(f[0])-\(nodes)"] = f[7] == "s" ? value * 1000 : value
        }
        return out
    }
}
