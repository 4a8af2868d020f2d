import Foundation
import Testing
@testable import TrackerCore

/// Numbers too large for the fitter's arithmetic (pages × size, MiB × 1024,
/// count × ratio turned back into Int) are refused as input with their JSON
/// path, on both the fast reader and the JSONDecoder path, instead of trapping.
@Suite struct ContractLimitsTests {
    static func host(memoryMB: Int = 4096, sizeKB: Int = 4, total: Int = 1_048_576, ratio: String = "4.0") -> String {
        """
        {"hostname": "h", "cpu_allocation_ratio": \(ratio), "ram_allocation_ratio": 1.0,
         "cells": [{"id": 0, "socket": 0, "cpus": [0, 1], "pcpus": [2, 3], "siblings": [], "memory_mb": \(memoryMB),
                    "mempages": [{"size_kb": \(sizeKB), "total": \(total), "used": 0, "reserved": 0}]}],
         "pci_devices": [], "pci_aliases": []}
        """
    }

    func hostError(_ json: String) -> InputError? {
        do {
            _ = try ContractJSON.decode(HostSnapshot.self, from: Data(json.utf8), document: "host")
            return nil
        } catch { return error }
    }

    func requestError(_ json: String) -> InputError? {
        do {
            _ = try ContractJSON.decode(Request.self, from: Data(json.utf8), document: "request")
            return nil
        } catch { return error }
    }

    @Test func hugeMemoryIsInputErrorWithItsPath() {
        // 2^62 MiB × 1024 would overflow Int64 in the fitter.
        let e = hostError(Self.host(memoryMB: 1 << 62))
        #expect(e?.path == "$.cells[0].memory_mb")
        #expect(e?.problem.contains("larger than restrack accepts") == true)
    }

    @Test func hugePageSizeAndPageCountAreRefused() {
        #expect(hostError(Self.host(sizeKB: 1 << 40))?.path == "$.cells[0].mempages[0].size_kb")
        #expect(hostError(Self.host(total: 1 << 50))?.path == "$.cells[0].mempages[0].total")
    }

    @Test func absurdRatioIsRefused() {
        // 1e300 × 2 CPUs cannot be turned back into an Int capacity.
        let e = hostError(Self.host(ratio: "1e300"))
        #expect(e?.path == "$.cpu_allocation_ratio")
    }

    @Test func overflowingPageSizeTextIsRefusedNotTrapped() {
        #expect(PageSizeRequest(text: "99999999999999999G") == nil)
        #expect(PageSizeRequest(text: "1GB") == .kib(1_048_576))
        let e = requestError(#"{"vcpus": 1, "memory_mb": 1024, "mem_page_size": "99999999999999999G"}"#)
        #expect(e?.path == "$.mem_page_size")
        #expect(requestError(#"{"vcpus": 1, "memory_mb": 1024, "mem_page_size": 1099511627776}"#)?.path == "$.mem_page_size")
    }

    @Test func hugeRequestNumbersAreRefused() {
        #expect(requestError(#"{"vcpus": 1, "memory_mb": 4611686018427387904}"#)?.path == "$.memory_mb")
        #expect(requestError(#"{"vcpus": 2, "memory_mb": 2048, "numa_nodes": 2, "numa_cpus": [[0], [1]], "numa_mem_mb": [1024, 4611686018427387904]}"#)?.path
                == "$.numa_mem_mb[1]")
    }

    @Test func theLargestAcceptedNumbersFitWithoutTrapping() throws {
        // At the limits every product stays below 2^63: 2^34 pages of 2^24 KiB
        // is 2^58 KiB; 2^34 MiB is 2^44 KiB.
        let max = ContractLimits.maxCount
        let host = try ContractJSON.decode(
            HostSnapshot.self, from: Data(Self.host(memoryMB: max, sizeKB: ContractLimits.maxPageSizeKB, total: max).utf8),
            document: "host")
        let request = try ContractJSON.decode(
            Request.self,
            from: Data(#"{"vcpus": 1, "memory_mb": \#(max), "cpu_policy": "dedicated", "mem_page_size": "any"}"#.utf8),
            document: "request")
        let d = Fitter.fit(request, on: host)
        // 2^34 MiB is 1024 pages of 16 GiB, and the cell has 2^34 such pages.
        #expect(d.fits)
        #expect(d.cells.first?.pagesizeKB == ContractLimits.maxPageSizeKB)
    }
}
