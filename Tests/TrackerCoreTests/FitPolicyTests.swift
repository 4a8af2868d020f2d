import Testing
@testable import TrackerCore

/// Thread policies, page sizes, ratios, the Placement gate and PCI affinity,
/// with expected values worked out by hand from the contract and Nova's rules
/// (each case says why).
@Suite struct FitPolicyTests {
    typealias F = FitFixtures

    /// Four SMT2 cores: (0,4) (1,5) (2,6) (3,7), all dedicated.
    var smtHost: HostSnapshot {
        F.host([F.cell(0, pcpus: Array(0..<8), siblings: [[0, 4], [1, 5], [2, 6], [3, 7]])])
    }

    @Test func preferFillsACoreFirst() {
        // Two vCPUs fit the two threads of the first free core.
        #expect(F.pins(Fitter.fit(F.dedicated(2, memoryMB: 1024, thread: .prefer), on: smtHost)) == [0: 0, 1: 4])
    }

    @Test func requireWithAnOddCount() {
        // Three vCPUs: two threads per core, the last core takes the remainder.
        #expect(F.pins(Fitter.fit(F.dedicated(3, memoryMB: 1024, thread: .require), on: smtHost))
            == [0: 0, 1: 4, 2: 1])
    }

    @Test func requireNeedsWholeCores() {
        // Pinned 4,5,6 leave one whole core (3,7) and lone threads 0,1,2:
        // two vCPUs fit on (3,7), three do not.
        var host = smtHost
        host.cells[0].pinnedCPUs = [4, 5, 6]
        #expect(F.pins(Fitter.fit(F.dedicated(2, memoryMB: 1024, thread: .require), on: host)) == [0: 3, 1: 7])
        let three = Fitter.fit(F.dedicated(3, memoryMB: 1024, thread: .require), on: host)
        #expect(!three.fits)
        #expect(three.reason?.contains("host cell 0") == true)
    }

    @Test func isolateWithEmulatorThreadOnSingleThreadCores() {
        // No SMT: each vCPU a core, the emulator thread the next free CPU.
        let host = F.host([F.cell(0, pcpus: [0, 1, 2, 3])])
        let d = Fitter.fit(F.dedicated(2, memoryMB: 1024, thread: .isolate, emulator: .isolate), on: host)
        #expect(F.pins(d) == [0: 0, 1: 1])
        #expect(d.emulatorCPUs == [2])
        // 3 vCPUs + 1 emulator CPU = 4: still fits; 4 + 1 does not.
        #expect(Fitter.fit(F.dedicated(3, memoryMB: 1024, thread: .isolate, emulator: .isolate), on: host).fits)
        let over = Fitter.fit(F.dedicated(4, memoryMB: 1024, thread: .isolate, emulator: .isolate), on: host)
        #expect(!over.fits)
    }

    /// 1 GiB of 4 KiB pages, 1,024 pages of 2 MiB (`reserved2M` kept for the
    /// host), two 1 GiB pages of which one is used.
    func pagesHost(reserved2M: Int = 0) -> HostSnapshot {
        F.host([F.cell(0, cpus: [0, 1], pcpus: [2, 3], memoryMB: 4096,
                       pages: [PagePool(sizeKB: 4, total: 262_144),
                               PagePool(sizeKB: 2048, total: 1024, reserved: reserved2M),
                               PagePool(sizeKB: 1_048_576, total: 2, used: 1)])])
    }

    @Test func largePagesTakeTheLargestSizeThatFits() {
        let req = { (mb: Int, size: PageSizeRequest) in F.dedicated(1, memoryMB: mb, pageSize: size) }
        // 1,024 MiB: the free 1 GiB page.
        #expect(Fitter.fit(req(1024, .large), on: pagesHost()).cells.first?.pagesizeKB == 1_048_576)
        // 1,536 MiB: not a whole number of 1 GiB pages; 768 of the 2 MiB ones.
        #expect(Fitter.fit(req(1536, .large), on: pagesHost()).cells.first?.pagesizeKB == 2048)
        // ... unless 512 of them are reserved: 1,024 MiB of 2 MiB pages left.
        #expect(!Fitter.fit(req(1536, .large), on: pagesHost(reserved2M: 512)).fits)
        // `any` may use small pages too; 1,024 MiB still prefers 1 GiB pages.
        #expect(Fitter.fit(req(1024, .any), on: pagesHost()).cells.first?.pagesizeKB == 1_048_576)
        // An explicit size the cell lacks.
        let missing = Fitter.fit(req(1024, .kib(16384)), on: pagesHost())
        #expect(!missing.fits)
        #expect(missing.reason?.contains("no 16M pages") == true)
    }

    @Test func pinnedGuestsUseFreeSmallPages() {
        // 1 GiB of 4 KiB pages with 512 MiB used: a pinned guest gets the
        // free 512 MiB only (oracle README quirk 6).
        let host = F.host([F.cell(0, cpus: [0, 1], pcpus: [2, 3], memoryMB: 1024, memoryUsageMB: 512,
                                  pages: [PagePool(sizeKB: 4, total: 262_144, used: 131_072)])], ramRatio: 1.5)
        #expect(Fitter.fit(F.dedicated(1, memoryMB: 512), on: host).fits)
        #expect(!Fitter.fit(F.dedicated(1, memoryMB: 768), on: host).fits)
        // A shared guest with a NUMA topology may overcommit by the ratio:
        // 512 + 768 ≤ 1,024 × 1.5, and 768 MiB ≤ the cell's 1 GiB of pages.
        #expect(Fitter.fit(Request(vcpus: 1, memoryMB: 768, numaNodes: 1), on: host).fits)
        var strict = host
        strict.ramAllocationRatio = 1.0
        #expect(!Fitter.fit(Request(vcpus: 1, memoryMB: 768, numaNodes: 1), on: strict).fits)
    }

    @Test func mixedSharedVCPUsCountAgainstTheRatio() {
        // 2 shared CPUs × 2.0 = 4, 3 in use: one more shared vCPU fits, two do not.
        let host = F.host([F.cell(0, cpus: [0, 1], pcpus: [2, 3, 4, 5], cpuUsage: 3)], cpuRatio: 2)
        let one = Request(vcpus: 2, memoryMB: 512, cpuPolicy: .mixed, cpuDedicatedMask: .list([0]))
        let two = Request(vcpus: 3, memoryMB: 512, cpuPolicy: .mixed, cpuDedicatedMask: .list([0]))
        let fit = Fitter.fit(one, on: host)
        #expect(F.pins(fit) == [0: 2])
        #expect(fit.cells.first?.vcpus == [0, 1])
        let refused = Fitter.fit(two, on: host)
        #expect(!refused.fits)
        #expect(refused.reason?.contains("shared vCPUs") == true)
    }

    @Test func placementTotalsComeFirst() {
        // 8 dedicated CPUs host-wide, 6 pinned: 3 more cannot be promised.
        let host = F.host([F.cell(0, pcpus: [0, 1, 2, 3], pinned: [0, 1, 2]),
                           F.cell(1, pcpus: [4, 5, 6, 7], pinned: [4, 5, 6])])
        let d = Fitter.fit(F.dedicated(3, memoryMB: 512), on: host)
        #expect(!d.fits)
        #expect(d.reason?.hasPrefix("host-wide, 2 dedicated CPUs are free") == true)
    }

    @Test func floatingGuestIgnoresPCIAffinity() {
        // No guest NUMA topology: no cell to be affine to, so `required`
        // does not apply and the device on node 1 is given.
        let host = F.host([F.cell(0, cpus: [0, 1], pcpus: []), F.cell(1, cpus: [2, 3], pcpus: [])],
                          devices: [F.gpu("0000:3b:00.0", node: 1)])
        let r = Request(vcpus: 1, memoryMB: 512,
                        pciRequests: [PCIRequestSpec(vendorID: "10de", productID: "2330", numaPolicy: .required)])
        let d = Fitter.fit(r, on: host)
        #expect(d.fits && d.cells.isEmpty)
        #expect(d.pciDevices == ["0000:3b:00.0"])
    }

    @Test func requiredAffinityChoosesTheCellsWithDevices() {
        // GPUs on nodes 0 and 2 only; a two-cell guest needing both with
        // `required` must land on cells 0 and 2, though cell 1 is emptier.
        let host = F.host([F.cell(0, pcpus: [0, 1], pinned: [0]), F.cell(1, pcpus: [2, 3]),
                           F.cell(2, pcpus: [4, 5], pinned: [4])],
                          devices: [F.gpu("0000:3b:00.0", node: 0), F.gpu("0000:5e:00.0", node: 2)])
        let r = F.dedicated(2, memoryMB: 1024, nodes: 2,
                            pci: [PCIRequestSpec(vendorID: "10de", productID: "2330", numaPolicy: .required, count: 2)])
        let d = Fitter.fit(r, on: host)
        #expect(Set(F.hostCells(d)) == [0, 2])
        #expect(Set(d.pciDevices) == ["0000:3b:00.0", "0000:5e:00.0"])
        // One GPU more than the chosen cells hold: refused, naming the policy.
        let short = F.dedicated(2, memoryMB: 1024, nodes: 2,
                                pci: [PCIRequestSpec(vendorID: "10de", productID: "2330", numaPolicy: .required, count: 3)])
        let no = Fitter.fit(short, on: host)
        #expect(!no.fits)
        #expect(no.reason == "pci_requests[0] (10de:2330) needs 3 free matching PCI devices, the host has 2")
    }

    @Test func requiredAffinityOneShortOnManyCells() {
        // 8 cells, one GPU each: a 4-cell guest reaches at most 4 GPUs with
        // `required`; asking for 5 is refused with the reason, not by walking
        // every choice of cells.
        let cells = (0..<8).map { F.cell($0, pcpus: Array(($0 * 8)..<($0 * 8 + 8))) }
        let gpus = (0..<8).map { F.gpu("0000:\(10 + $0):00.0", node: $0) }
        let host = F.host(cells, devices: gpus)
        let req = { (n: Int) in
            F.dedicated(8, memoryMB: 2048, nodes: 4,
                        pci: [PCIRequestSpec(vendorID: "10de", productID: "2330", numaPolicy: .required, count: n)])
        }
        let four = Fitter.fit(req(4), on: host)
        #expect(four.pciDevices.count == 4)
        // Each GPU sits on a cell the guest uses.
        let used = Set(F.hostCells(four))
        #expect(four.pciDevices.allSatisfy { a in gpus.contains { $0.address == a && used.contains($0.numaNode ?? -1) } })
        let five = Fitter.fit(req(5), on: host)
        #expect(!five.fits)
        #expect(five.reason?.contains("numa_policy required") == true)
    }

    @Test func backtracksWhereGreedyWouldFail() {
        // Free pcpus 4, 2, 2; guest cells of 2 then 4 vCPUs. Nova's order
        // tries cell 0 first for guest cell 0, which leaves no cell for the
        // 4-vCPU cell; the answer is guest 0 on cell 1, guest 1 on cell 0.
        let host = F.host([F.cell(0, pcpus: [0, 1, 2, 3]), F.cell(1, pcpus: [4, 5]), F.cell(2, pcpus: [6, 7])])
        let d = Fitter.fit(F.dedicated(6, memoryMB: 2048, nodes: 2, numaCPUs: [[0, 1], [2, 3, 4, 5]],
                                       numaMem: [1024, 1024]), on: host)
        #expect(F.hostCells(d) == [1, 0])
    }
}
