import Foundation
import Testing
@testable import TrackerCore

/// Beyond fit / no fit: the parts of Nova's placement that follow from the
/// fit itself, compared on every corpus scenario where they are determined.
@Suite struct FitCorpusDetailTests {
    /// The pool Nova's `PciDeviceStats` files a device under: vendor,
    /// product, device type (PF / VF / plain PCI), NUMA node, parent PF for a
    /// VF, physical network.
    struct PoolKey: Hashable, Comparable, CustomStringConvertible {
        var vendor: String, product: String, type: String, node: Int, parent: String, network: String

        init(_ d: PCIDevice) {
            vendor = d.vendorID.lowercased()
            product = d.productID.lowercased()
            type = d.devType.rawValue
            node = d.numaNode ?? -1
            parent = d.devType == .vf ? (d.parentAddr ?? "?") : ""
            network = d.physicalNetwork ?? ""
        }

        static func < (a: Self, b: Self) -> Bool { a.description < b.description }
        var description: String { "\(vendor):\(product) \(type) node \(node) \(parent) \(network)" }
    }

    static func pools(_ addresses: [String], on host: HostSnapshot) -> [PoolKey] {
        var byAddress: [String: PCIDevice] = [:]
        for d in host.pciDevices { byAddress[d.address] = d }
        return addresses.map { a in byAddress[a].map(PoolKey.init) ?? PoolKey(PCIDevice(address: a, vendorID: "?", productID: "?", devType: .pci)) }.sorted()
    }

    @Test func hostCellsEmulatorAndDevicePoolsMatchNovaWhereItsChoiceIsDetermined() throws {
        let scenarios = try FitCorpusTests.load()
        var cellsCompared = 0, emulatorCompared = 0, poolsCompared = 0
        for s in scenarios where s.expected.fits {
            let d = Fitter.fit(s.request, on: s.host)
            guard d.fits else { continue }   // agreesWithNovaOnEveryScenario reports it
            // Host cells: Nova tries host-cell permutations in a fixed order
            // and takes the first that fits; restrack returns that same first
            // assignment (README, "How").
            #expect(d.cells.map(\.hostCell) == s.expected.cells.map(\.hostCell), "\(s.name): host cells")
            cellsCompared += 1

            // Emulator thread: Nova reserves the first free CPU(s) of guest
            // cell 0's host cell, in the cell's sibling order, that the
            // pinning left (`_get_reserved`). Which vCPU sits on which pCPU
            // can differ (Nova walks sets), but when the same pCPUs are
            // pinned there, the CPUs left are the same, and so is the choice.
            if !s.expected.emulatorCPUs.isEmpty, let mine = d.cells.first, let nova = s.expected.cells.first,
               Set(mine.pinning.values) == Set(nova.pinning.values) {
                #expect(d.emulatorCPUs == s.expected.emulatorCPUs, "\(s.name): emulator CPUs")
                emulatorCompared += 1
            }

            // Devices: for a guest with NUMA cells Nova ranks the pools by
            // affinity with them (numa_policy), then takes pools in the order
            // the host lists them, as restrack does, so the pools (and with
            // them PF or VF, and which PF a VF hangs off) agree. Which device
            // of a pool it takes follows the pool's internal list, and a
            // guest without NUMA cells has no affinity to rank by: neither is
            // part of the contract, so addresses are not compared.
            if !s.expected.pciDevices.isEmpty, !s.expected.cells.isEmpty {
                #expect(Self.pools(d.pciDevices, on: s.host) == Self.pools(s.expected.pciDevices, on: s.host),
                        "\(s.name): PCI pools (PF/VF, node, parent PF)")
                poolsCompared += 1
            }
        }
        // Each comparison has cases behind it; a corpus without them would prove nothing.
        #expect(cellsCompared >= 90)
        #expect(emulatorCompared >= 10, "\(emulatorCompared) emulator cases compared")
        #expect(poolsCompared >= 10, "\(poolsCompared) device cases compared")
    }

    /// An expected file without `fits` stops the corpus run with the file's
    /// name, instead of counting as a refusal.
    @Test func expectedFileWithoutFitsIsAnError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        let set = root.appendingPathComponent("s")
        try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let source = FitCorpusTests.fixtures.appendingPathComponent("corpus/default-s9001")
        for kind in ["host", "request"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent("0000.\(kind).json"),
                                             to: set.appendingPathComponent("0000.\(kind).json"))
        }
        let expected = set.appendingPathComponent("0000.expected.json")
        // A complete entry loads, so the failure below is the missing key alone.
        try Data(#"{"fits": false, "reason": "x"}"#.utf8).write(to: expected)
        #expect(try FitCorpusTests.load(sets: ["s"], from: root).map(\.expectedFits) == [false])
        for body in [#"{"reason": "x"}"#, #"{"fits": "false"}"#, #"{"fits": null, "cells": []}"#] {
            try Data(body.utf8).write(to: expected)
            do {
                _ = try FitCorpusTests.load(sets: ["s"], from: root)
                Issue.record("\(body) was accepted")
            } catch let error as FitCorpusTests.CorpusError {
                #expect(error.description.contains("0000.expected.json") && error.description.contains("fits"), "\(error)")
            }
        }
    }
}
