import Foundation
import Testing
@testable import TrackerCore

/// Red-team documents (issue 9, "Hostile input"): each is refused at once,
/// naming the field, or is a no-fit at once; none makes work grow with a
/// number from the document.
@Suite struct HostileDocumentTests {
    /// examples/hosts/small-one-cell.json's shape: one cell, 2 shared and
    /// 4 dedicated CPUs.
    static let host = #"""
    {"hostname": "small", "cells": [{"id": 0, "cpus": [0, 1], "pcpus": [2, 3, 4, 5], "memory_mb": 16384,
      "mempages": [{"size_kb": 4, "total": 4194304}]}],
     "pci_devices": [
       {"address": "0000:3b:00.0", "vendor_id": "8086", "product_id": "1592", "dev_type": "type-PF", "numa_node": 0},
       {"address": "0000:3b:01.0", "vendor_id": "8086", "product_id": "1889", "dev_type": "type-VF",
        "parent_addr": "0000:3b:00.0", "numa_node": 0},
       {"address": "0000:5e:00.0", "vendor_id": "10de", "product_id": "2330", "dev_type": "type-PCI", "numa_node": 0}]}
    """#

    static func decodeHost(_ text: String) throws -> HostSnapshot {
        try ContractJSON.decode(HostSnapshot.self, from: Data(text.utf8), document: "host file h.json")
    }

    static func requestError(_ text: String) -> InputError? {
        do {
            _ = try ContractJSON.decode(Request.self, from: Data(text.utf8), document: "request file r.json")
            return nil
        } catch {
            return error
        }
    }

    static func hostError(_ text: String) -> InputError? {
        do {
            _ = try ContractJSON.decode(HostSnapshot.self, from: Data(text.utf8), document: "host file h.json")
            return nil
        } catch {
            return error
        }
    }

    // MARK: size

    @Test func aBillionVCPUsIsANoFitAtOnce() throws {
        let host = try Self.decodeHost(Self.host)
        for policy in [CPUPolicy.dedicated, .shared, .mixed] {
            var request = Request(vcpus: 1_000_000_000, memoryMB: 1024, cpuPolicy: policy)
            if policy == .mixed { request.cpuDedicatedMask = .text("^0") }
            let start = ContinuousClock.now
            let d = Fitter.fit(request, on: host)
            let took = ContinuousClock.now - start
            #expect(!d.fits)
            #expect(d.reason == "the guest asks for 1000000000 vCPUs, more than the 6 CPUs the host has in all")
            // Per-vCPU work for a billion vCPUs takes many seconds; the gate
            // is a sum over the host's cells.
            #expect(took < .seconds(2), "\(policy): \(took)")
        }
        // The largest count the contract reads, with a NUMA topology.
        let n = ContractLimits.maxCount
        let d = Fitter.fit(Request(vcpus: n, memoryMB: 1024, numaNodes: n), on: host)
        #expect(d.reason?.hasPrefix("the guest asks for \(n) vCPUs") == true)
        // Memory and device counts at the contract's limit are arithmetic,
        // not work: no-fits at once too.
        let n34 = ContractLimits.maxCount
        let clock = ContinuousClock.now
        let memory = Fitter.fit(Request(vcpus: 1, memoryMB: n34, numaNodes: 1, memPageSize: .large), on: host)
        #expect(memory.reason?.contains("the guest needs \(n34) MiB") == true)
        let spec = PCIRequestSpec(vendorID: "8086", productID: "1889", count: n34)
        let devices = Fitter.fit(Request(vcpus: 1, memoryMB: 512, cpuPolicy: .dedicated, pciRequests: [spec, spec]),
                                 on: host)
        #expect(devices.reason?.contains("needs \(n34) free matching PCI devices") == true)
        #expect(ContinuousClock.now - clock < .seconds(2))
        // As many vCPUs as the host has is not cut off by the gate: 2 shared
        // and 4 pinned fill it.
        #expect(Fitter.fit(Request(vcpus: 6, memoryMB: 1024, cpuPolicy: .mixed, cpuDedicatedMask: .text("2-5")),
                           on: host).fits)
    }

    // MARK: JSON

    @Test func repeatedKeysAreRefusedNamingTheirPath() throws {
        let e = try #require(Self.requestError(#"{"vcpus": 2, "vcpus": -5, "memory_mb": 512}"#))
        #expect(e.path == "$.vcpus")
        #expect(e.problem.contains("more than once"))
        // Nested, and in fields restrack does not read: one rule everywhere.
        #expect(Self.requestError(#"{"vcpus": 2, "memory_mb": 512, "pci_requests": [{"alias": "a", "count": 1, "count": 9}]}"#)?
            .path == "$.pci_requests[0].count")
        #expect(Self.requestError(#"{"vcpus": 2, "memory_mb": 512, "note": {"a": 1, "a": 2}}"#)?.path == "$.note.a")
        // Hosts, through the fast reader and the general path alike.
        let cell = Self.host.replacingOccurrences(of: #""memory_mb": 16384,"#, with: #""memory_mb": 16384, "memory_mb": 1,"#)
        #expect(Self.hostError(cell)?.path == "$.cells[0].memory_mb")
        let extra = Self.host.replacingOccurrences(of: #""hostname": "small","#, with: #""hostname": "small", "x": 1, "x": 2,"#)
        #expect(Self.hostError(extra)?.path == "$.x")
        #expect(HostJSONReader.read(Array(extra.utf8)) == nil)
    }

    @Test func numbersAnIntegerFieldCannotHoldNameTheField() throws {
        for number in ["1.5", "9223372036854775808", "1e308", "-9223372036854775809"] {
            let e = try #require(Self.requestError(#"{"vcpus": \#(number), "memory_mb": 512}"#), "\(number)")
            #expect(e.path == "$.vcpus", "\(number)")
            #expect(e.problem.hasPrefix("must be a whole number within"), "\(number): \(e.problem)")
        }
        // Beside a ratio that is rightly a fraction, in a nested field.
        let host = Self.host.replacingOccurrences(of: #""hostname": "small","#, with: #""hostname": "small", "cpu_allocation_ratio": 1.5,"#)
            .replacingOccurrences(of: #""total": 4194304"#, with: #""total": 4194304.5"#)
        let e = try #require(Self.hostError(host))
        #expect(e.path == "$.cells[0].mempages[0].total")
        #expect(e.problem.hasPrefix("must be a whole number within"))
        #expect(Self.requestError(#"{"vcpus": 2, "memory_mb": 512, "numa_mem_mb": [256, 2.5]}"#)?.path == "$.numa_mem_mb[1]")
    }

    /// The range named is the field's own limit, not `Int`'s: what an
    /// operator can actually put there.
    @Test func aNumberAnIntegerFieldCannotHoldNamesThatFieldsLimit() throws {
        #expect(ContractLimits.maxCount == 1 << 34 && ContractLimits.maxPageSizeKB == 1 << 24 && CPUSet.maxCPUId == 65_535)
        // A count (`decodeNonNegative`): 0 up to ContractLimits.maxCount.
        for number in ["1.5", "9223372036854775808", "1e308"] {
            let e = try #require(Self.requestError(#"{"vcpus": \#(number), "memory_mb": 512}"#), "\(number)")
            #expect(e.problem == "must be a whole number within 0…2^34 (got \(Double(number) ?? 0))", "\(number)")
        }
        let total = Self.host.replacingOccurrences(of: #""total": 4194304"#, with: #""total": 4194304.5"#)
        #expect(Self.hostError(total)?.problem == "must be a whole number within 0…2^34 (got 4194304.5)")
        // A page size: positive, up to ContractLimits.maxPageSizeKB.
        let size = Self.host.replacingOccurrences(of: #""size_kb": 4,"#, with: #""size_kb": 4.5,"#)
        #expect(Self.hostError(size)?.problem == "must be a whole number within 1…2^24 (got 4.5)")
        // A CPU id: 0 up to CPUSet.maxCPUId.
        let cpu = Self.host.replacingOccurrences(of: #""pcpus": [2, 3, 4, 5]"#, with: #""pcpus": [2, 3, 4, 5.5]"#)
        #expect(Self.hostError(cpu)?.problem == "must be a whole number within 0…65535 (got 5.5)")
    }

    @Test func unknownWordsListTheChoicesForEveryEnumField() throws {
        let requestFields: [(String, String, String)] = [
            (#""cpu_policy": "pinned""#, "$.cpu_policy", "'pinned' is not one of shared, dedicated, mixed"),
            (#""cpu_policy": "dedicated", "cpu_thread_policy": "spread""#, "$.cpu_thread_policy",
             "'spread' is not one of prefer, isolate, require"),
            (#""cpu_policy": "dedicated", "emulator_threads_policy": "x""#, "$.emulator_threads_policy",
             "'x' is not one of share, isolate"),
            (#""pci_requests": [{"alias": "a", "numa_policy": "strict"}]"#, "$.pci_requests[0].numa_policy",
             "'strict' is not one of required, legacy, preferred, socket"),
            (#""pci_requests": [{"vendor_id": "8086", "product_id": "1889", "device_type": "VF"}]"#,
             "$.pci_requests[0].device_type", "'VF' is not one of type-PCI, type-PF, type-VF"),
        ]
        for (field, path, problem) in requestFields {
            let e = try #require(Self.requestError(#"{"vcpus": 2, "memory_mb": 512, \#(field)}"#), "\(field)")
            #expect(e.path == path)
            #expect(e.problem == problem)
            #expect(!e.description.contains("Cannot initialize"))
        }
        let hostFields: [(String, String, String, String)] = [
            (#""dev_type": "type-PCI", "numa_node": 0}]}"#, #""dev_type": "pci", "numa_node": 0}]}"#,
             "$.pci_devices[2].dev_type", "'pci' is not one of type-PCI, type-PF, type-VF"),
            (#""dev_type": "type-PCI", "numa_node": 0}]}"#, #""dev_type": "type-PCI", "numa_node": 0, "status": "busy"}]}"#,
             "$.pci_devices[2].status", "'busy' is not one of available, claimed, allocated, unavailable, unclaimable"),
            (#""numa_node": 0}]}"#, #""numa_node": 0}], "pci_aliases": [{"name": "g", "vendor_id": "10de", "product_id": "2330", "numa_policy": "near"}]}"#,
             "$.pci_aliases[0].numa_policy", "'near' is not one of required, legacy, preferred, socket"),
        ]
        for (from, to, path, problem) in hostFields {
            let doc = Self.host.replacingOccurrences(of: from, with: to)
            #expect(doc != Self.host)
            let e = try #require(Self.hostError(doc), "\(to)")
            #expect(e.path == path)
            #expect(e.problem == problem)
        }
    }

    @Test func wrongTypesSayWhatWasFoundInJSONTerms() throws {
        let cases: [(String, String, String)] = [
            (#"{"vcpus": "x", "memory_mb": 1}"#, "$.vcpus", "expected an integer, found a string"),
            (#"{"vcpus": 2, "memory_mb": 1, "numa_cpus": {}}"#, "$.numa_cpus", "expected an array, found an object"),
            (#"{"vcpus": 2, "memory_mb": 1, "cpu_policy": 3}"#, "$.cpu_policy", "expected a string, found a number"),
            ("[1]", "$", "expected an object, found an array"),
        ]
        for (text, path, problem) in cases {
            let e = try #require(Self.requestError(text), "\(text)")
            #expect(e.path == path)
            #expect(e.problem == problem)
        }
    }

    @Test func aVFWhoseParentIsItselfOrNotAPFIsRefused() throws {
        let selfParent = Self.host.replacingOccurrences(of: #""parent_addr": "0000:3b:00.0""#,
                                                        with: #""parent_addr": "0000:3b:01.0""#)
        let e = try #require(Self.hostError(selfParent))
        #expect(e.path == "$.pci_devices[1].parent_addr")
        #expect(e.problem.contains("0000:3b:01.0 names itself"))
        #expect(HostJSONReader.read(Array(selfParent.utf8)) == nil)
        let plainParent = Self.host.replacingOccurrences(of: #""parent_addr": "0000:3b:00.0""#,
                                                         with: #""parent_addr": "0000:5e:00.0""#)
        let p = try #require(Self.hostError(plainParent))
        #expect(p.path == "$.pci_devices[1].parent_addr")
        #expect(p.problem.contains("0000:5e:00.0") && p.problem.contains("not a type-PF"))
        // A PF left out of the document (a device_spec tracking VFs only) is fine.
        let noPF = Self.host.replacingOccurrences(of: #""parent_addr": "0000:3b:00.0""#,
                                                  with: #""parent_addr": "0000:af:00.0""#)
        #expect(try Self.decodeHost(noPF).pciDevices.count == 3)
    }

    /// Many VFs of one PF, then a VF whose parent is a listed VF, then one
    /// naming itself: each problem is found at its index, whatever was
    /// checked before it, and VFs of listed PFs or of unlisted parents are
    /// fine.
    @Test func everyVFsParentIsCheckedAfterManyGoodOnes() {
        func dev(_ a: String, _ t: PCIDeviceType, parent: String? = nil) -> PCIDevice {
            PCIDevice(address: a, vendorID: "8086", productID: "154c", devType: t, parentAddr: parent)
        }
        var devices = [dev("0000:01:00.0", .pf), dev("0000:02:00.0", .pci)]
        for v in 0..<64 { devices.append(dev("0000:01:\(String(format: "%02x", 1 + v / 8)).\(v % 8)", .vf, parent: "0000:01:00.0")) }
        devices.append(dev("0000:03:00.1", .vf, parent: "0000:03:00.0"))
        #expect(HostSnapshot.vfParentProblem(devices) == nil)

        var viaVF = devices
        viaVF.append(dev("0000:04:00.1", .vf, parent: "0000:01:01.0"))
        #expect(HostSnapshot.vfParentProblem(viaVF)?.index == viaVF.count - 1)
        #expect(HostSnapshot.vfParentProblem(viaVF)?.problem.contains("which is a type-VF, not a type-PF") == true)
        var viaPCI = devices
        viaPCI.insert(dev("0000:04:00.1", .vf, parent: "0000:02:00.0"), at: 10)
        #expect(HostSnapshot.vfParentProblem(viaPCI)?.index == 10)
        var itself = devices
        itself.append(dev("0000:05:00.1", .vf, parent: "0000:05:00.1"))
        #expect(HostSnapshot.vfParentProblem(itself)?.index == itself.count - 1)
        #expect(HostSnapshot.vfParentProblem(itself)?.problem.contains("0000:05:00.1 names itself") == true)
    }

    @Test func errorsQuoteAtMostEightyCharactersOfAValue() throws {
        let huge = String(repeating: "p", count: 10 << 20)
        let e = try #require(Self.requestError(#"{"vcpus": 2, "memory_mb": 512, "cpu_policy": "\#(huge)"}"#))
        #expect(e.description.count < 300)
        #expect(e.problem.contains("(\(10 << 20) characters in all)"))
        // An invalid request's reason, which lands in decision JSON.
        let host = try Self.decodeHost(Self.host)
        let d = Fitter.fit(Request(vcpus: 1, memoryMB: 512, pciRequests: [PCIRequestSpec(alias: huge)]), on: host)
        #expect(!d.fits)
        #expect((d.reason ?? "").count < 300)
        // A repeated member name of 10 MB, with an escape in it.
        let key = "\\u001b" + huge
        let twice = try #require(Self.requestError(#"{"vcpus": 2, "memory_mb": 512, "\#(key)": 1, "\#(key)": 2}"#))
        #expect(twice.path == "$.\\x1b" + String(repeating: "p", count: 79) + "…")
        #expect(QuotedValue.quote("short") == "'short'")
        #expect(QuotedValue.quote("a\u{1b}b") == "'a\\x1bb'")
    }
}
