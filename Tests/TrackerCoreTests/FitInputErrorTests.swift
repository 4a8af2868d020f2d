import Foundation
import Testing
@testable import TrackerCore

/// The contract's exit-2 class: documents that cannot be read as a host or a
/// request are refused with the JSON path of the problem (what
/// `restrack fit` prints on stderr), while well-formed requests that Nova's
/// rules refuse are decisions.
@Suite struct FitInputErrorTests {
    static let host = #"""
    {"hostname": "h", "cpu_allocation_ratio": 4.0, "ram_allocation_ratio": 1.0,
     "cells": [{"id": 0, "socket": 0, "cpus": [0, 1], "pcpus": [2, 3], "siblings": [], "memory_mb": 4096,
                "mempages": [{"size_kb": 4, "total": 1048576, "used": 0, "reserved": 0}]},
               {"id": 1, "socket": 0, "cpus": [4, 5], "pcpus": [6, 7], "siblings": [], "memory_mb": 4096}],
     "pci_devices": [], "pci_aliases": []}
    """#

    func hostError(_ edit: (inout [String: Any]) -> Void) throws -> InputError? {
        var doc = try #require(try JSONSerialization.jsonObject(with: Data(Self.host.utf8)) as? [String: Any])
        edit(&doc)
        let data = try JSONSerialization.data(withJSONObject: doc)
        do {
            _ = try ContractJSON.decode(HostSnapshot.self, from: data, document: "host file h.json")
            return nil
        } catch {
            return error
        }
    }

    func requestError(_ json: String) -> InputError? {
        do {
            _ = try ContractJSON.decode(Request.self, from: Data(json.utf8), document: "request file r.json")
            return nil
        } catch {
            return error
        }
    }

    func editCell(_ i: Int, _ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { doc in
            var cells = doc["cells"] as? [[String: Any]] ?? []
            cells[i][key] = value
            doc["cells"] = cells
        }
    }

    @Test func theTemplateHostIsValid() throws {
        #expect(try hostError { _ in } == nil)
    }

    @Test func malformedJSON() {
        let e = requestError(#"{"vcpus": 2, "memory_mb": "#)
        #expect(e?.path == "$")
        #expect(e?.description.hasPrefix("request file r.json: $: not valid JSON") == true)
    }

    @Test func wrongTypeNamesThePath() throws {
        let e = try hostError(editCell(1, "memory_mb", "lots"))
        #expect(e?.path == "$.cells[1].memory_mb")
        #expect(e?.problem.hasPrefix("expected an integer") == true)
    }

    @Test func cpuListedTwice() throws {
        let e = try hostError(editCell(1, "pcpus", [6, 7, 6]))
        #expect(e?.path == "$.cells[1].pcpus[2]")
        #expect(e?.problem == "CPU 6 is listed twice")
    }

    @Test func emptyHost() throws {
        let e = try hostError { $0["cells"] = [Any]() }
        #expect(e?.path == "$.cells")
        #expect(e?.problem == "a host needs at least one NUMA cell")
    }

    @Test func negativeCounts() throws {
        let e = try hostError(editCell(0, "mempages", [["size_kb": 4, "total": 10, "used": -1]]))
        #expect(e?.path == "$.cells[0].mempages[0].used")
        #expect(requestError(#"{"vcpus": -2, "memory_mb": 512}"#)?.path == "$.vcpus")
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 512, "pci_requests": [{"alias": "a", "count": -1}]}"#)?.path
            == "$.pci_requests[0].count")
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 512, "numa_nodes": 2, "numa_mem_mb": [256, -256]}"#)?.path
            == "$.numa_mem_mb[1]")
    }

    @Test func unknownEnumValues() {
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 512, "cpu_policy": "exclusive"}"#)?.path == "$.cpu_policy")
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 512, "cpu_thread_policy": "never"}"#)?.path
            == "$.cpu_thread_policy")
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 512, "mem_page_size": "huge"}"#)?.path == "$.mem_page_size")
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 512, "pci_requests": [{"alias": "a", "numa_policy": "near"}]}"#)?
            .path == "$.pci_requests[0].numa_policy")
    }

    @Test func requestsNovaRefusesAreDecisionsNotInputErrors() throws {
        // Readable documents whose request breaks Nova's rules: exit 0 with
        // an "invalid request:" decision (contract Clarifications).
        let host = try ContractJSON.decode(HostSnapshot.self, from: Data(Self.host.utf8), document: "host")
        let bodies = [
            #"{"vcpus": 2, "memory_mb": 512, "cpu_thread_policy": "isolate"}"#,
            #"{"vcpus": 2, "memory_mb": 512, "cpu_policy": "mixed", "cpu_dedicated_mask": [0, 1]}"#,
            #"{"vcpus": 2, "memory_mb": 512, "pci_requests": [{"alias": "nope"}]}"#,
            #"{"vcpus": 2, "memory_mb": 512, "pci_requests": [{"vendor_id": "10de"}]}"#,
        ]
        for body in bodies {
            let r = try ContractJSON.decode(Request.self, from: Data(body.utf8), document: "request")
            let d = Fitter.fit(r, on: host)
            #expect(!d.fits)
            #expect(d.reason?.hasPrefix("invalid request: ") == true, "\(body)")
        }
    }
}
