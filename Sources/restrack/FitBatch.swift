import Foundation
import TrackerCore

/// `restrack fit --batch DIR`: one process for a whole corpus, so its
/// timing is the fitter's and not process start-up's.
enum FitBatch {
    /// Writes one line per pair; returns whether some pair was bad input.
    static func run(directory: String) throws(CLIFailure) -> Bool {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CLIFailure.badInput("batch directory \(directory): cannot be listed")
        }
        let hostSuffix = ".host.json", requestSuffix = ".request.json"
        let present = Set(names)
        let ids = names.filter { $0.hasSuffix(hostSuffix) }.map { String($0.dropLast(hostSuffix.count)) }
            .filter { present.contains($0 + requestSuffix) }.sorted()
        var anyBad = false
        var out = FileHandle.standardOutput
        for id in ids {
            let base = (directory as NSString).appendingPathComponent(id)
            let line: String
            do {
                let host = try loadJSON(HostSnapshot.self, path: base + hostSuffix, document: "host")
                let request = try loadJSON(Request.self, path: base + requestSuffix, document: "request")
                line = ContractJSON.encode(Line(id: id, decision: Fitter.fit(request, on: host)))
            } catch {
                anyBad = true
                line = ContractJSON.encode(ErrorLine(id: id, error: error.message))
            }
            print(line, to: &out)
        }
        return anyBad
    }

    /// A decision with its pair's id, in the same JSON object.
    private struct Line: Encodable {
        var id: String
        var decision: Decision
        enum Key: String, CodingKey { case id }
        func encode(to encoder: any Encoder) throws {
            try decision.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(id, forKey: .id)
        }
    }

    private struct ErrorLine: Encodable {
        var id: String
        var error: String
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
