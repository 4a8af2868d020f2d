import Foundation
import TestSupport
import Testing
@testable import TrackerCore

/// restrack against the Nova oracle's decisions on a generated corpus
/// (Tests/Fixtures/corpus, see its README): the same fit / no-fit answer on
/// every scenario, and every fit valid by the oracle's validate.py.
@Suite struct FitCorpusTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let sets = ["default-s9001", "asym-s9002"]

    struct Scenario {
        var name: String
        var hostPath: String
        var requestPath: String
        var host: HostSnapshot
        var request: Request
        var expected: Decision
        var expectedFits: Bool { expected.fits }
    }

    /// An expected file the corpus cannot use: one without `fits` would
    /// otherwise count as "Nova refuses" and hide a missing decision.
    struct CorpusError: Error, CustomStringConvertible {
        var description: String
    }

    static func load(sets: [String] = sets, from root: URL = fixtures.appendingPathComponent("corpus")) throws -> [Scenario] {
        var out: [Scenario] = []
        for set in sets {
            let dir = root.appendingPathComponent(set)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
                .filter { $0.hasSuffix(".expected.json") }.sorted()
            for name in names {
                let id = String(name.dropLast(".expected.json".count))
                let hostURL = dir.appendingPathComponent(id + ".host.json")
                let requestURL = dir.appendingPathComponent(id + ".request.json")
                let expectedURL = dir.appendingPathComponent(name)
                let host = try ContractJSON.decode(HostSnapshot.self, from: Data(contentsOf: hostURL), document: "host")
                let request = try ContractJSON.decode(Request.self, from: Data(contentsOf: requestURL), document: "request")
                let raw = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL))
                guard (raw as? [String: Any])?["fits"] is Bool else {
                    throw CorpusError(description: "\(expectedURL.path): no boolean \"fits\"; remake it with expected.py")
                }
                let expected = try JSONDecoder().decode(Decision.self, from: Data(contentsOf: expectedURL))
                out.append(Scenario(name: "\(set)/\(id)", hostPath: hostURL.path, requestPath: requestURL.path,
                                    host: host, request: request, expected: expected))
            }
        }
        return out
    }

    @Test func agreesWithNovaOnEveryScenario() throws {
        let scenarios = try Self.load()
        #expect(scenarios.count == 300)
        var fits = 0
        for s in scenarios {
            let d = Fitter.fit(s.request, on: s.host)
            #expect(d.fits == s.expectedFits, "\(s.name): restrack says \(d.fits ? "fits" : d.reason ?? "no fit")")
            if d.fits { fits += 1 } else { #expect(d.reason?.isEmpty == false, "\(s.name)") }
        }
        // The corpus mixes fits and no-fits; a fitter that always refuses must fail here.
        #expect(fits >= 90)
    }

    static let python = TestEnvironment.executable(named: "python3")

    @Test func everyFitPassesTheOracleValidator() throws {
        guard TestEnvironment.require(Self.python != nil, "python3 on PATH (it runs the oracle's validate.py)"),
              let python = Self.python else { return }
        let scenarios = try Self.load()
        var lines: [String] = []
        for s in scenarios {
            let d = Fitter.fit(s.request, on: s.host)
            guard d.fits else { continue }
            let row: [String: Any] = [
                "host": s.hostPath, "request": s.requestPath,
                "decision": try JSONSerialization.jsonObject(with: Data(ContractJSON.encode(d).utf8)),
            ]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: row), as: UTF8.self))
        }
        #expect(lines.count >= 90)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-fits-\(UUID().uuidString).jsonl")
        try lines.joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [Self.fixtures.appendingPathComponent("oracle/validate_batch.py").path, file.path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "validate.py rejects: \(report)")
    }
}
