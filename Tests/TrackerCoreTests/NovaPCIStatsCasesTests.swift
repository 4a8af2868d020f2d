import Testing
@testable import TrackerCore

/// Cases from Nova's nova/tests/unit/pci/test_stats.py, restated as whole
/// fits. Nova's fake ids (v1/p1 …) become four-hex-digit ids, and "the
/// guest uses NUMA cell N" becomes a dedicated guest that only fits there.
@Suite struct NovaPCIStatsCasesTests {
    typealias F = FitFixtures

    /// PciDeviceStatsTestCase's devices: two v1 on node 0, one v2 on node 1,
    /// one v3 without NUMA node.
    static let devices = [
        F.gpu("0000:00:00.1", node: 0, vendor: "1111", product: "0001"),
        F.gpu("0000:00:00.2", node: 1, vendor: "2222", product: "0002"),
        F.gpu("0000:00:00.3", node: 0, vendor: "1111", product: "0001"),
        F.gpu("0000:00:00.4", node: nil, vendor: "3333", product: "0003"),
    ]

    static func req(_ vendor: String, _ product: String, count: Int = 1, policy: PCINUMAPolicy? = nil) -> PCIRequestSpec {
        PCIRequestSpec(vendorID: vendor, productID: product, numaPolicy: policy, count: count)
    }

    /// A host whose cells 0, 1 and 2 have two free pcpus each (cell 2 is the
    /// "cell 999" of Nova's tests: no device lives there); `onlyCell0` fills
    /// cells 1 and 2 so a one-cell guest lands on cell 0, `onlyCell2` fills
    /// 0 and 1. Cell 0 has two shared CPUs for floating guests.
    static func host(onlyCell0: Bool = false, onlyCell2: Bool = false, devices: [PCIDevice] = devices,
                     aliases: [PCIAlias] = []) -> HostSnapshot {
        F.host([F.cell(0, cpus: [10, 11], pcpus: [0, 1], pinned: onlyCell2 ? [0, 1] : []),
                F.cell(1, pcpus: [2, 3], pinned: onlyCell0 || onlyCell2 ? [2, 3] : []),
                F.cell(2, pcpus: [4, 5], pinned: onlyCell0 ? [4, 5] : [])],
               devices: devices, aliases: aliases)
    }

    @Test func supportRequestsWithoutNUMA() {
        // PciDeviceStatsTestCase.test_support_requests / test_support_requests_failed
        let floating = { (pci: [PCIRequestSpec]) in Request(vcpus: 1, memoryMB: 512, pciRequests: pci) }
        let d = Fitter.fit(floating([Self.req("1111", "0001"), Self.req("2222", "0002")]), on: Self.host())
        #expect(d.fits && d.cells.isEmpty)
        #expect(d.pciDevices.count == 2 && d.pciDevices.contains("0000:00:00.2"))
        #expect(!Fitter.fit(floating([Self.req("1111", "0001"), Self.req("2222", "0002", count: 3)]),
                            on: Self.host()).fits)
    }

    @Test func supportRequestsNUMA() {
        // test_support_requests_numa: cells 0 and 1 hold v1 and v2.
        let two = Fitter.fit(F.dedicated(2, memoryMB: 1024, nodes: 2,
                                         pci: [Self.req("1111", "0001"), Self.req("2222", "0002")]),
                             on: Self.host(onlyCell0: false))
        #expect(two.fits)
        #expect(Set(F.hostCells(two)) == [0, 1])
        // test_support_requests_numa_failed: only cell 0, v2 lives on 1 (legacy).
        let one = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("1111", "0001"), Self.req("2222", "0002")]),
                             on: Self.host(onlyCell0: true))
        #expect(!one.fits)
    }

    @Test func supportRequestsNoNUMAInfo() {
        // test_support_requests_no_numa_info: a device without NUMA node
        // suits legacy (the default) but not required
        // (test_support_requests_no_numa_info_pci_numa_policy_required).
        for policy in [nil, PCINUMAPolicy.legacy] {
            let d = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("3333", "0003", policy: policy)]),
                               on: Self.host(onlyCell0: true))
            #expect(d.pciDevices == ["0000:00:00.4"])
        }
        #expect(!Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("3333", "0003", policy: .required)]),
                            on: Self.host(onlyCell0: true)).fits)
    }

    @Test func supportRequestsPreferred() {
        // test_support_requests_numa_pci_numa_policy_preferred
        let d = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("1111", "0001", policy: .preferred),
                                                               Self.req("2222", "0002", policy: .preferred)]),
                           on: Self.host(onlyCell0: true))
        #expect(d.fits)
        #expect(F.hostCells(d) == [0])
    }

    /// _test_consume_requests_numa_policy: v4 devices pr0 on node 0, pr1 on
    /// node 1, pr_none without node, asked through one alias of the three
    /// products (Nova's test asks by vendor alone).
    static let v4Devices = [
        F.gpu("0000:00:01.0", node: 0, vendor: "4444", product: "00a0"),
        F.gpu("0000:00:01.1", node: 1, vendor: "4444", product: "00a1"),
        F.gpu("0000:00:01.2", node: nil, vendor: "4444", product: "00af"),
    ]
    static let v4Names = ["0000:00:01.0": "pr0", "0000:00:01.1": "pr1", "0000:00:01.2": "pr_none"]

    static func v4Alias(_ policy: PCINUMAPolicy) -> [PCIAlias] {
        ["00a0", "00a1", "00af"].map {
            PCIAlias(name: "v4", vendorID: "4444", productID: $0, deviceType: .pci, numaPolicy: policy)
        }
    }

    func consume(onCell0: Bool, _ policy: PCINUMAPolicy, count: Int = 1, alias: String = "v4") -> Set<String>? {
        let host = Self.host(onlyCell0: onCell0, onlyCell2: !onCell0,
                             devices: Self.v4Devices + [F.gpu("0000:00:00.2", node: 1, vendor: "2222", product: "0002")],
                             aliases: Self.v4Alias(policy)
                                + [PCIAlias(name: "v2", vendorID: "2222", productID: "0002", numaPolicy: policy)])
        let d = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [PCIRequestSpec(alias: alias, count: count)]), on: host)
        guard d.fits else { return nil }
        return Set(d.pciDevices.map { Self.v4Names[$0] ?? "p2" })
    }

    @Test func consumeRequired() {
        // test_consume_requests_numa_policy_required(_fail)
        #expect(consume(onCell0: true, .required) == ["pr0"])
        #expect(consume(onCell0: false, .required) == nil)
    }

    @Test func consumeLegacy() {
        // test_consume_requests_numa_policy_legacy(_fallback, _fail)
        #expect(consume(onCell0: true, .legacy) == ["pr0"])
        #expect(consume(onCell0: false, .legacy) == ["pr_none"])
        #expect(consume(onCell0: true, .legacy, alias: "v2") == nil)
    }

    @Test func consumePreferred() {
        // test_consume_requests_numa_policy_preferred(_fallback_a, _fallback_b,
        // _multiple_a, _multiple_b) and ..._legacy_multiple (which Nova runs
        // with preferred).
        #expect(consume(onCell0: true, .preferred) == ["pr0"])
        #expect(consume(onCell0: false, .preferred) == ["pr_none"])
        #expect(consume(onCell0: true, .preferred, alias: "v2") == ["p2"])
        #expect(consume(onCell0: true, .preferred, count: 2) == ["pr0", "pr_none"])
        #expect(consume(onCell0: true, .preferred, count: 3) == ["pr0", "pr_none", "pr1"])
    }

    @Test func socketAffinity() {
        // test_filter_pools_for_socket_affinity(_no_socket): a device on
        // another cell of the guest's socket suits `socket`; with a cell of
        // unknown socket nothing beyond the guest's own cells does.
        func host(socket2: Int?) -> HostSnapshot {
            F.host([F.cell(0, pcpus: [0, 1], socket: 0), F.cell(1, pcpus: [2, 3], pinned: [2, 3], socket: 0),
                    F.cell(2, pcpus: [4, 5], pinned: [4, 5], socket: socket2)],
                   devices: [F.gpu("0000:00:00.2", node: 1)])
        }
        let r = F.dedicated(1, memoryMB: 512, pci: [Self.req("10de", "2330", policy: .socket)])
        #expect(Fitter.fit(r, on: host(socket2: 1)).pciDevices == ["0000:00:00.2"])
        #expect(!Fitter.fit(r, on: host(socket2: nil)).fits)
        let other = F.host([F.cell(0, pcpus: [0, 1], socket: 0), F.cell(1, pcpus: [2, 3], pinned: [2, 3], socket: 1)],
                           devices: [F.gpu("0000:00:00.2", node: 1)])
        #expect(!Fitter.fit(r, on: other).fits)
    }

    /// PciDeviceVFPFStatsTestCase: two PFs 8086:1528 with four VFs
    /// 8086:1515 each, all on node 0.
    static func sriovHost(pfProduct: String = "1528") -> HostSnapshot {
        var devs: [PCIDevice] = []
        for pf in 0..<2 {
            devs.append(PCIDevice(address: "0000:81:00.\(pf)", vendorID: "8086", productID: pfProduct, devType: .pf,
                                  numaNode: 0))
        }
        for vf in 0..<8 {
            devs.append(PCIDevice(address: "0000:81:10.\(vf)", vendorID: "8086", productID: "1515", devType: .vf,
                                  numaNode: 0, parentAddr: "0000:81:00.\(vf / 4)"))
        }
        return F.host([F.cell(0, pcpus: [0, 1, 2, 3])], devices: devs)
    }

    static func parents(_ addrs: [String]) -> Set<String> {
        Set(addrs.filter { $0.hasPrefix("0000:81:10.") }.compactMap { Int($0.suffix(1)) }.map { "0000:81:00.\($0 / 4)" })
    }

    @Test func consumeVFAndPF() {
        // test_consume_VF_requests
        let vfs = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("8086", "1515", count: 2)]), on: Self.sriovHost())
        #expect(vfs.pciDevices.count == 2 && vfs.pciDevices.allSatisfy { $0.hasPrefix("0000:81:10.") })
        // test_consume_PF_requests
        let pfReq = PCIRequestSpec(vendorID: "8086", productID: "1528", deviceType: .pf, count: 2)
        let pfs = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [pfReq]), on: Self.sriovHost())
        #expect(Set(pfs.pciDevices) == ["0000:81:00.0", "0000:81:00.1"])
        // test_consume_VF_and_PF_requests: the PF given is not the parent of a VF given.
        let one = PCIRequestSpec(vendorID: "8086", productID: "1528", deviceType: .pf, count: 1)
        let both = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("8086", "1515", count: 2), one]),
                              on: Self.sriovHost())
        #expect(both.pciDevices.count == 3)
        let pf = both.pciDevices.filter { $0.hasPrefix("0000:81:00.") }
        #expect(pf.count == 1 && !Self.parents(both.pciDevices).contains(pf[0]))
        // test_consume_VF_and_PF_requests_failed: a PF takes its four VFs with it.
        #expect(!Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("8086", "1515", count: 5), one]),
                            on: Self.sriovHost()).fits)
    }

    @Test func pfsNotGivenUnlessAsked() {
        // test_consume_VF_and_PF_same_product_id_failed: PFs share the VFs'
        // product id, but a request without type-PF never gets a PF.
        let d = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("8086", "1515", count: 9)]),
                           on: Self.sriovHost(pfProduct: "1515"))
        #expect(!d.fits)
        let eight = Fitter.fit(F.dedicated(1, memoryMB: 512, pci: [Self.req("8086", "1515", count: 8)]),
                               on: Self.sriovHost(pfProduct: "1515"))
        #expect(eight.pciDevices.allSatisfy { $0.hasPrefix("0000:81:10.") })
    }
}
