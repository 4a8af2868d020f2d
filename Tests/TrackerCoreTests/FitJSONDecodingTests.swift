import Foundation
import Testing
@testable import TrackerCore

/// restrack's own JSON readers (HostJSONReader for hosts, JSONValue and
/// Request.fastDecode for requests) must read contract documents exactly as
/// Foundation's JSONDecoder does through the models' Decodable code, and
/// leave to it anything they are not sure of.
@Suite struct FitJSONDecodingTests {
    static let corpus = FitCorpusTests.fixtures.appendingPathComponent("corpus")

    static func files(_ suffix: String) throws -> [URL] {
        var out: [URL] = []
        for set in FitCorpusTests.sets {
            let dir = corpus.appendingPathComponent(set)
            out += try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(suffix) }.sorted()
                .map { dir.appendingPathComponent($0) }
        }
        return out
    }

    @Test func hostsReadAsFoundationReadsThem() throws {
        let urls = try Self.files(".host.json")
        #expect(urls.count == 300)
        for url in urls {
            let data = try Data(contentsOf: url)
            let reference = try JSONDecoder().decode(HostSnapshot.self, from: data)
            // The generator writes contract fields only: every host is plain.
            #expect(HostJSONReader.read([UInt8](data)) == reference, "\(url.lastPathComponent)")
        }
    }

    @Test func requestsReadAsFoundationReadsThem() throws {
        var fast = 0
        let urls = try Self.files(".request.json")
        for url in urls {
            let data = try Data(contentsOf: url)
            let reference = try JSONDecoder().decode(Request.self, from: data)
            let value = try JSONValue.parse([UInt8](data))
            if let f = Request.fastDecode(value) {
                fast += 1
                #expect(f == reference, "\(url.lastPathComponent)")
            }
        }
        #expect(fast == urls.count)
    }

    /// Documents the fast path must leave to the Decodable path, which
    /// refuses them (or reads fields the fast path does not know).
    @Test func fastPathStepsAsideForAnythingUnusual() throws {
        let base: [String: Any] = [
            "cells": [["id": 0, "cpus": [0, 1], "pcpus": [2, 3], "memory_mb": 1024,
                       "mempages": [["size_kb": 4, "total": 262144]]]],
            "pci_devices": [["address": "0000:01:00.0", "vendor_id": "10de", "product_id": "2330",
                             "dev_type": "type-PCI", "numa_node": 0]],
        ]
        func bytes(_ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
            var d = base
            edit(&d)
            return [UInt8](try JSONSerialization.data(withJSONObject: d))
        }
        func cell(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
            { d in
                var cells = d["cells"] as? [[String: Any]] ?? []
                cells[0][key] = value
                d["cells"] = cells
            }
        }
        let refused: [(inout [String: Any]) -> Void] = [
            cell("pcpus", [2, 3, 2]), cell("pcpus", [1, 2]), cell("memory_mb", -1), cell("memory_mb", "x"),
            cell("id", NSNull()), cell("siblings", [[0, 1], [1, 2]]), cell("mempages", [["size_kb": 0, "total": 1]]),
            cell("distances", ["0": 10]),
            { $0["cells"] = [Any]() }, { $0["cpu_allocation_ratio"] = 0 }, { $0["warnings"] = ["w"] },
            { $0["pci_devices"] = [["address": "a", "vendor_id": "1", "product_id": "2", "dev_type": "type-VF"]] },
            { $0["pci_devices"] = [["address": "a", "vendor_id": "1", "product_id": "2", "status": "busy"]] },
        ]
        #expect(HostJSONReader.read(try bytes { _ in }) != nil)
        for (i, edit) in refused.enumerated() {
            #expect(HostJSONReader.read(try bytes(edit)) == nil, "variant \(i)")
        }
        // Plain JSON the streaming reader leaves to the general path.
        for text in [#"{"cells": [{"id": 0, "pcpus": [0], "memory_mb": 1024}], "hostname": "a\u0062"}"#,
                     #"{"cells": [{"id": 0, "pcpus": [0], "memory_mb": 1024.0}]}"#,
                     #"{"cells": [{"id": 0, "id": 1, "pcpus": [0], "memory_mb": 1024}]}"#,
                     #"{"cells": [{"id": 0, "pcpus": [0], "memory_mb": 1024}]} x"#] {
            #expect(HostJSONReader.read(Array(text.utf8)) == nil, "\(text)")
        }
        let plain = #" {"x": [true, false, null, {"y": "z"}, -1.5e3], "cells": [{"id": 0, "pcpus": [0], "memory_mb": 1024, "socket": null}]} "#
        #expect(HostJSONReader.read(Array(plain.utf8))
            == (try ContractJSON.decode(HostSnapshot.self, from: Data(plain.utf8), document: "h")))
    }

    @Test func decisionTextIsWhatJSONEncoderWrites() throws {
        var withBigPins = 0
        for s in try FitCorpusTests.load() {
            let d = Fitter.fit(s.request, on: s.host)
            #expect(d.jsonText() == ContractJSON.encode(d), "\(s.name)")
            if d.cells.contains(where: { $0.pinning.count > 10 }) { withBigPins += 1 }
        }
        // Pinnings with keys "10" and up check the key order.
        #expect(withBigPins > 0)
        let odd = Decision.noFit("a \"quoted\" reason\\ with\ttab, é and /slash\u{01}")
        #expect(odd.jsonText() == ContractJSON.encode(odd))
    }

    @Test func wholeNumbersWrittenAsDecimalsStillRead() throws {
        // JSONDecoder reads 1.0 as the Int 1; the reader leaves such a host
        // to it.
        let text = #"{"cells": [{"id": 0, "pcpus": [0], "memory_mb": 1024.0}]}"#
        #expect(HostJSONReader.read(Array(text.utf8)) == nil)
        let host = try ContractJSON.decode(HostSnapshot.self, from: Data(text.utf8), document: "h")
        #expect(host.cells[0].memoryMB == 1024)
    }

    @Test func nonASCIITextIsReadAsValidatedUTF8() throws {
        let host = #"{"hostname": "nœud-7", "cells": [{"id": 0, "pcpus": [0], "memory_mb": 1024}]}"#
        #expect(HostJSONReader.read(Array(host.utf8)) == nil)
        #expect(try ContractJSON.decode(HostSnapshot.self, from: Data(host.utf8), document: "h").hostname == "nœud-7")
        // JSONValue reads non-ASCII strings too (the repeated-key check
        // walks every document), validating their UTF-8 as JSONDecoder does.
        let request = #"{"vcpus": 1, "memory_mb": 512, "pci_requests": [{"alias": "gpü"}]}"#
        let value = try JSONValue.parse(Array(request.utf8))
        #expect(Request.fastDecode(value)?.pciRequests.first?.alias == "gpü")
        #expect(try ContractJSON.decode(Request.self, from: Data(request.utf8), document: "r").pciRequests.first?.alias
            == "gpü")
        for bad: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0x61, 0x5C, 0x6E, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            #expect(throws: JSONValue.SyntaxError.self, "\(bad)") { try JSONValue.parse(bad) }
            #expect(throws: InputError.self) { try ContractJSON.decode(Request.self, bytes: bad, document: "r") }
        }
    }

    @Test func parserRefusesWhatIsNotJSON() throws {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "[1] 2", "tru", "{\"a\":1,}", "\"\u{01}\""] {
            #expect(throws: JSONValue.SyntaxError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
        #expect(try JSONValue.parse(Array(#" {"a": [1, -2, 3.5, 1e2, true, null, "x\u00e9\n"], "b": [1, 2]} "#.utf8))
            == .object([("a", .array([.int(1), .int(-2), .double(3.5), .double(100), .bool(true), .null,
                                      .string("xé\n")])), ("b", .intArray([1, 2]))]))
    }
}
