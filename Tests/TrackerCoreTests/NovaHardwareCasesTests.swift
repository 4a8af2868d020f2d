import Testing
@testable import TrackerCore

/// Cases from Nova's nova/tests/unit/virt/test_hardware.py (host, guest,
/// expected outcome), restated in the fit contract. Nova's legacy
/// `vcpu_pin_set` hosts (cpuset == pcpuset) cannot be written in the
/// contract (shared and dedicated CPUs are disjoint) and are left out.
@Suite struct NovaHardwareCasesTests {
    typealias F = FitFixtures

    /// Nova's CPUPinningCellTestCase host: one cell of 4 KiB pages.
    func oneCell(pcpus: [Int], siblings: [[Int]] = [], pinned: [Int] = [], memoryMB: Int = 4096,
                 pages: Bool = true) -> HostSnapshot {
        F.host([F.cell(0, pcpus: pcpus, siblings: siblings, memoryMB: memoryMB, pinned: pinned,
                       pages: pages ? [F.smallPages(2048)] : [])])
    }

    @Test func instanceTooLargeForCell() {
        // CPUPinningCellTestCase.test_get_pinning_inst_too_large_cpu
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048), on: oneCell(pcpus: [0, 1, 2]))
        #expect(!d.fits)
    }

    @Test func instanceNotAvailable() {
        // CPUPinningCellTestCase.test_get_pinning_inst_not_avail
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048), on: oneCell(pcpus: [0, 1, 2, 3], pinned: [0]))
        #expect(!d.fits)
    }

    @Test func noSiblingsFitsEmpty() {
        // CPUPinningCellTestCase.test_get_pinning_no_sibling_fits_empty
        let d = Fitter.fit(F.dedicated(3, memoryMB: 2048), on: oneCell(pcpus: [0, 1, 2]))
        #expect(F.pins(d) == [0: 0, 1: 1, 2: 2])
    }

    @Test func noSiblingsFitsWithUsage() {
        // CPUPinningCellTestCase.test_get_pinning_no_sibling_fits_w_usage
        let d = Fitter.fit(F.dedicated(3, memoryMB: 1024), on: oneCell(pcpus: [0, 1, 2, 3], pinned: [1]))
        #expect(F.pins(d) == [0: 0, 1: 2, 2: 3])
    }

    @Test func hostSiblingsFitEmpty() {
        // CPUPinningCellTestCase.test_get_pinning_instance_siblings_host_siblings_fits_empty(_2)
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048),
                           on: oneCell(pcpus: [0, 1, 2, 3], siblings: [[0, 1], [2, 3]]))
        #expect(F.pins(d) == [0: 0, 1: 1, 2: 2, 3: 3])
        let d8 = Fitter.fit(F.dedicated(8, memoryMB: 2048),
                            on: oneCell(pcpus: Array(0..<8), siblings: [[0, 1], [2, 3], [4, 5], [6, 7]]))
        #expect(F.pins(d8) == Dictionary(uniqueKeysWithValues: (0..<8).map { ($0, $0) }))
    }

    @Test func hostSiblingsFitWithUsage() {
        // CPUPinningCellTestCase.test_get_pinning_instance_siblings_host_siblings_fits_w_usage:
        // free threads {0,3} and {4,7}: two per core, two cores.
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048),
                           on: oneCell(pcpus: Array(0..<8), siblings: [[0, 1, 2, 3], [4, 5, 6, 7]],
                                       pinned: [1, 2, 5, 6], pages: false))
        #expect(F.pins(d) == [0: 0, 1: 3, 2: 4, 3: 7])
    }

    @Test func hostSiblingsFitSingleCore() {
        // CPUPinningCellTestCase.test_get_pinning_host_siblings_fit_single_core:
        // four threads of one core before touching the other.
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048),
                           on: oneCell(pcpus: Array(0..<8), siblings: [[0, 1, 2, 3], [4, 5, 6, 7]], pages: false))
        #expect(F.pins(d) == [0: 0, 1: 1, 2: 2, 3: 3])
    }

    @Test func requirePolicyWithoutSiblings() {
        // CPUPinningCellTestCase.test_get_pinning_require_policy_no_siblings
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048, thread: .require),
                           on: oneCell(pcpus: Array(0..<8), siblings: (0..<8).map { [$0] }, pages: false))
        #expect(!d.fits)
        #expect(d.reason?.contains("require") == true)
    }

    @Test func requirePolicyTooFewSiblings() {
        // CPUPinningCellTestCase.test_get_pinning_require_policy_too_few_siblings:
        // pinned 0,1,2 leave one whole core (3,7) and lone threads 4,5,6.
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048, thread: .require),
                           on: oneCell(pcpus: Array(0..<8), siblings: [[0, 4], [1, 5], [2, 6], [3, 7]],
                                       pinned: [0, 1, 2], pages: false))
        #expect(!d.fits)
    }

    @Test func requirePolicyFits() {
        // CPUPinningCellTestCase.test_get_pinning_require_policy_fits
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048, thread: .require),
                           on: oneCell(pcpus: [0, 1, 2, 3], siblings: [[0, 1], [2, 3]], pages: false))
        #expect(F.pins(d) == [0: 0, 1: 1, 2: 2, 3: 3])
    }

    @Test func requirePolicyFitsWithUsage() {
        // CPUPinningCellTestCase.test_get_pinning_require_policy_fits_w_usage:
        // cores (2,6) and (3,7) are whole.
        let d = Fitter.fit(F.dedicated(4, memoryMB: 2048, thread: .require),
                           on: oneCell(pcpus: Array(0..<8), siblings: [[0, 4], [1, 5], [2, 6], [3, 7]],
                                       pinned: [0, 1], pages: false))
        #expect(F.pins(d) == [0: 2, 1: 6, 2: 3, 3: 7])
    }

    @Test func oddInstanceOnSiblings() {
        // CPUPinningCellTestCase.test_get_pinning_host_siblings_instance_odd_fit
        // and ..._large_instance_odd_fit: 5 vCPUs pack two per core.
        let d = Fitter.fit(F.dedicated(5, memoryMB: 2048),
                           on: oneCell(pcpus: Array(0..<16), siblings: (0..<8).map { [$0, $0 + 8] }, pages: false))
        #expect(F.pins(d) == [0: 0, 1: 8, 2: 1, 3: 9, 4: 2])
    }

    @Test func oddInstanceWithUsage() {
        // CPUPinningCellTestCase.test_get_pinning_host_siblings_instance_odd_fit_w_usage
        // and ..._mixed_siblings / ..._odd_fit_orphan_only: these all fit.
        let siblings = [[0, 1], [2, 3], [4, 5], [6, 7]]
        #expect(Fitter.fit(F.dedicated(3, memoryMB: 2048),
                           on: oneCell(pcpus: Array(0..<8), siblings: siblings, pinned: [0, 2, 5], pages: false)).fits)
        #expect(Fitter.fit(F.dedicated(4, memoryMB: 2048),
                           on: oneCell(pcpus: Array(0..<8), siblings: siblings, pinned: [0, 1, 2, 5], pages: false)).fits)
        let orphans = Fitter.fit(F.dedicated(4, memoryMB: 2048),
                                 on: oneCell(pcpus: Array(0..<8), siblings: siblings, pinned: [0, 2, 5, 6],
                                             pages: false))
        #expect(Set(F.pins(orphans).values) == [1, 3, 4, 7])
    }

    @Test func isolateOnNonSMTCell() {
        // CPUPinningCellTestCase.test_get_pinning_isolate_policy_fits, with
        // the contract's disjoint shared/dedicated sets.
        let d = Fitter.fit(F.dedicated(2, memoryMB: 2048, thread: .isolate),
                           on: oneCell(pcpus: [0, 1, 2, 3], siblings: [[0], [1], [2], [3]], pages: false))
        #expect(F.pins(d) == [0: 0, 1: 1])
    }

    @Test func isolateRefusedOnSplitSMTCell() {
        // CPUPinningCellTestCase.test_get_pinning_isolate_policy_bug_1889633
        let host = F.host([F.cell(0, cpus: [0, 1, 4, 5], pcpus: [2, 3, 6, 7],
                                  siblings: [[0, 4], [1, 5], [2, 6], [3, 7]])])
        let d = Fitter.fit(F.dedicated(2, memoryMB: 2048, thread: .isolate), on: host)
        #expect(!d.fits)
        #expect(d.reason?.contains("1889633") == true)
    }

    @Test func mixedNeedsSharedCPUs() {
        // CPUPinningCellTestCase.test_get_pinning_mixed_policy_bug_1898272
        let host = F.host([F.cell(0, pcpus: [0, 1, 2, 3], siblings: [[0, 2], [1, 3]])])
        let r = Request(vcpus: 4, memoryMB: 2048, cpuPolicy: .mixed, cpuDedicatedMask: .list([1, 2, 3]))
        #expect(!Fitter.fit(r, on: host).fits)
    }

    /// CPUPinningTestCase's two-cell host of single-thread cores.
    func twoCells(pinned0: [Int] = [], pinned1: [Int] = [], size: Int = 2, memoryMB: Int = 2048) -> HostSnapshot {
        F.host([F.cell(0, pcpus: Array(0..<size), memoryMB: memoryMB, pinned: pinned0),
                F.cell(1, pcpus: Array(size..<(2 * size)), memoryMB: memoryMB, pinned: pinned1)])
    }

    @Test func singleCellGuest() {
        // CPUPinningTestCase.test_host_numa_fit_instance_to_host_single_cell(_w_usage, _fail)
        #expect(Fitter.fit(F.dedicated(2, memoryMB: 2048), on: twoCells()).fits)
        let used = Fitter.fit(F.dedicated(2, memoryMB: 2048), on: twoCells(pinned0: [0]))
        #expect(F.hostCells(used) == [1])
        #expect(!Fitter.fit(F.dedicated(2, memoryMB: 2048), on: twoCells(pinned0: [0], pinned1: [2])).fits)
    }

    @Test func twoCellGuest() {
        // CPUPinningTestCase.test_host_numa_fit_instance_to_host_fit
        let d = Fitter.fit(F.dedicated(4, memoryMB: 4096, nodes: 2), on: twoCells(size: 4))
        #expect(Set(F.hostCells(d)) == [0, 1])
    }

    @Test func twoCellGuestBarelyFits() {
        // CPUPinningTestCase.test_host_numa_fit_instance_to_host_barely_fit:
        // only cells 0 (3 free) and 2 (2 free) hold two pinned vCPUs.
        let host = F.host([F.cell(0, pcpus: [0, 1, 2, 3], memoryMB: 2048, pinned: [0]),
                           F.cell(1, pcpus: [4, 5, 6, 7], memoryMB: 2048, pinned: [4, 5, 6]),
                           F.cell(2, pcpus: [8, 9, 10, 11], memoryMB: 2048, pinned: [10, 11])])
        let d = Fitter.fit(F.dedicated(4, memoryMB: 4096, nodes: 2), on: host)
        #expect(Set(F.hostCells(d)) == [0, 2])
    }

    @Test func twoCellGuestFailsCapacityAndTopology() {
        // CPUPinningTestCase.test_host_numa_fit_instance_to_host_fail_capacity
        let host = F.host([F.cell(0, pcpus: [0, 1, 2, 3], pinned: [0]),
                           F.cell(1, pcpus: [4, 5, 6, 7], pinned: [4, 5, 6])])
        #expect(!Fitter.fit(F.dedicated(4, memoryMB: 4096, nodes: 2), on: host).fits)
        // ..._fail_topology: three guest cells, two host cells.
        let three = Fitter.fit(F.dedicated(6, memoryMB: 3072, nodes: 3), on: twoCells(size: 4, memoryMB: 4096))
        #expect(!three.fits)
        #expect(three.reason == "the guest needs 3 NUMA cells, the host has 2")
    }

    /// EmulatorThreadsTestCase's host: two cells of two single-thread pcpus.
    var emulatorHost: HostSnapshot {
        F.host([F.cell(0, pcpus: [0, 1], memoryMB: 2048, pages: [F.smallPages(2048)]),
                F.cell(1, pcpus: [2, 3], memoryMB: 2048, pages: [F.smallPages(2048)])])
    }

    @Test func emulatorThreadsShareOrUndefined() {
        // EmulatorThreadsTestCase.test_single_node_not_defined / test_single_node_shared
        for policy in [nil, EmulatorThreadsPolicy.share] {
            let d = Fitter.fit(F.dedicated(1, memoryMB: 2048, emulator: policy), on: emulatorHost)
            #expect(d.fits)
            #expect(d.emulatorCPUs.isEmpty)
        }
    }

    @Test func emulatorThreadIsolated() {
        // EmulatorThreadsTestCase.test_single_node_isolate: the next free
        // pcpu of the same cell.
        let d = Fitter.fit(F.dedicated(1, memoryMB: 2048, emulator: .isolate), on: emulatorHost)
        #expect(F.pins(d) == [0: 0])
        #expect(d.emulatorCPUs == [1])
    }

    @Test func emulatorThreadIsolatedMultiNode() {
        // EmulatorThreadsTestCase.test_multi_nodes_isolate and
        // test_multi_nodes_isolate_full_usage: the emulator CPU goes with
        // guest cell 0.
        let d = Fitter.fit(F.dedicated(2, memoryMB: 4096, emulator: .isolate, nodes: 2), on: emulatorHost)
        #expect(F.pins(d) == [0: 0, 1: 2])
        #expect(d.emulatorCPUs == [1])
        let full = Fitter.fit(F.dedicated(3, memoryMB: 4096, emulator: .isolate, nodes: 2, numaCPUs: [[0], [1, 2]],
                                          numaMem: [2048, 2048]), on: emulatorHost)
        #expect(F.pins(full) == [0: 0, 1: 2, 2: 3])
        #expect(full.emulatorCPUs == [1])
    }

    @Test func emulatorThreadIsolatedExceeded() {
        // EmulatorThreadsTestCase.test_multi_nodes_isolate_exceeded: guest
        // cell 0 needs 2 + 1 pcpus, no cell has 3.
        let d = Fitter.fit(F.dedicated(3, memoryMB: 4096, emulator: .isolate, nodes: 2, numaCPUs: [[0, 1], [2]],
                                       numaMem: [2048, 2048]), on: emulatorHost)
        #expect(!d.fits)
        // test_single_node_isolate_exceeded: 4 + 1 pcpus on a 4-pcpu host.
        #expect(!Fitter.fit(F.dedicated(4, memoryMB: 2048, emulator: .isolate), on: emulatorHost).fits)
    }

    @Test func mixedGuestEmulatorIsolate() {
        // EmulatorThreadsTestCase._test_mixed_instance (test_mixed_instance_isolated):
        // shared 4-7, pinned 0-3 with 0 taken; vCPUs 2,3 pinned, 0,1 shared.
        let host = F.host([F.cell(0, cpus: [4, 5, 6, 7], pcpus: [0, 1, 2, 3], siblings: (0..<8).map { [$0] },
                                  pinned: [0], cpuUsage: 2, pages: [F.smallPages(2048)])])
        let r = Request(vcpus: 4, memoryMB: 2048, cpuPolicy: .mixed, cpuDedicatedMask: .list([2, 3]),
                        emulatorThreadsPolicy: .isolate)
        let d = Fitter.fit(r, on: host)
        #expect(F.pins(d) == [2: 1, 3: 2])
        #expect(d.emulatorCPUs == [3])
    }

    @Test func emulatorThreadOnAsymmetricCores() {
        // EmulatorThreadsTestCase.test_asymmetric_host: the two vCPUs take
        // the whole core (2,3), the emulator thread the lone core 1.
        let host = F.host([F.cell(0, pcpus: [1, 2, 3], siblings: [[1], [2, 3]], memoryMB: 2048,
                                  pages: [F.smallPages(2048)])])
        let d = Fitter.fit(F.dedicated(2, memoryMB: 2048, emulator: .isolate), on: host)
        #expect(F.pins(d) == [0: 2, 1: 3])
        #expect(d.emulatorCPUs == [1])
    }

    @Test func fitWithLimits() {
        // VirtNUMATopologyCellUsageTestCase.test_fit_instance_cell_with_limit:
        // a shared guest cell of 2048 MiB and 2 vCPUs on a cell of 2 CPUs
        // with 1024 MiB used: fits with ratios 2, not with ratio 1.
        let cell = F.cell(0, cpus: [0, 1], pcpus: [], memoryMB: 2048, cpuUsage: 2, memoryUsageMB: 1024)
        let r = Request(vcpus: 2, memoryMB: 2048, numaNodes: 1)
        #expect(Fitter.fit(r, on: F.host([cell], cpuRatio: 2, ramRatio: 2)).fits)
        let tight = Fitter.fit(r, on: F.host([cell], cpuRatio: 1.5, ramRatio: 2))
        #expect(!tight.fits)
    }

    @Test func hugepagesPerCell() {
        // VirtNUMATopologyCellUsageTestCase.test_fit_instance_cell_mempages:
        // 1024 MiB in 2 MiB pages needs 512 free pages.
        let pages = [PagePool(sizeKB: 4, total: 256 * 1024), PagePool(sizeKB: 2048, total: 512)]
        let host = F.host([F.cell(0, cpus: [0, 1], pcpus: [], memoryMB: 2048, pages: pages)])
        let ok = Fitter.fit(Request(vcpus: 1, memoryMB: 1024, memPageSize: .kib(2048)), on: host)
        #expect(ok.cells.first?.pagesizeKB == 2048)
        let over = Fitter.fit(Request(vcpus: 1, memoryMB: 1026, memPageSize: .kib(2048)), on: host)
        #expect(!over.fits)
        // No host mempages at all: a page size cannot be met
        // (test_fit_instance_cell_no_host_mempages).
        let bare = F.host([F.cell(0, cpus: [0, 1], pcpus: [], memoryMB: 2048)])
        #expect(!Fitter.fit(Request(vcpus: 1, memoryMB: 1024, memPageSize: .small), on: bare).fits)
    }

    @Test func topologyConstraintsInvalid() {
        // NUMATopologyTest.test_topology_constraints: requests Nova refuses.
        let cases: [Request] = [
            // uneven automatic split (ImageNUMATopologyAsymmetric)
            Request(vcpus: 3, memoryMB: 2048, numaNodes: 2),
            // a vCPU beyond the guest (ImageNUMATopologyCPUOutOfRange)
            Request(vcpus: 4, memoryMB: 2048, numaNodes: 2, numaCPUs: [.list([0, 1]), .list([2, 4])],
                    numaMemMB: [1024, 1024]),
            // a vCPU twice (ImageNUMATopologyCPUDuplicates)
            Request(vcpus: 4, memoryMB: 2048, numaNodes: 2, numaCPUs: [.list([0, 1]), .list([1, 2, 3])],
                    numaMemMB: [1024, 1024]),
            // a vCPU in no cell (ImageNUMATopologyCPUsUnassigned)
            Request(vcpus: 4, memoryMB: 2048, numaNodes: 2, numaCPUs: [.list([0]), .text("2-3")],
                    numaMemMB: [1024, 1024]),
            // memory that does not sum (ImageNUMATopologyMemoryOutOfRange)
            Request(vcpus: 4, memoryMB: 2048, numaNodes: 2, numaCPUs: [.list([0, 1]), .list([2, 3])],
                    numaMemMB: [1024, 2048]),
            // cpus without memory (ImageNUMATopologyIncomplete)
            Request(vcpus: 4, memoryMB: 2048, numaNodes: 2, numaCPUs: [.list([0, 1]), .list([2, 3])]),
            // thread policy without pinning (CPUThreadPolicyConfigurationInvalid)
            Request(vcpus: 2, memoryMB: 2048, cpuPolicy: .shared, cpuThreadPolicy: .isolate),
            // emulator isolate without pinning (BadRequirementEmulatorThreadsPolicy)
            Request(vcpus: 2, memoryMB: 2048, emulatorThreadsPolicy: .isolate),
            // mask without mixed (RequiredMixedInstancePolicy)
            Request(vcpus: 2, memoryMB: 2048, cpuPolicy: .dedicated, cpuDedicatedMask: .list([0])),
            // mixed without mask (RequiredMixedOrRealtimeCPUMask)
            Request(vcpus: 2, memoryMB: 2048, cpuPolicy: .mixed),
            // mixed mask pinning every vCPU (InvalidMixedInstanceDedicatedMask)
            Request(vcpus: 2, memoryMB: 2048, cpuPolicy: .mixed, cpuDedicatedMask: .text("0-1")),
            // numa_nodes 0 (InvalidNUMANodesNumber)
            Request(vcpus: 2, memoryMB: 2048, numaNodes: 0),
        ]
        let host = F.host([F.cell(0, cpus: [0, 1, 2, 3], pcpus: [4, 5, 6, 7], memoryMB: 8192),
                           F.cell(1, cpus: [8, 9, 10, 11], pcpus: [12, 13, 14, 15], memoryMB: 8192)])
        for (i, r) in cases.enumerated() {
            let d = Fitter.fit(r, on: host)
            #expect(!d.fits, "case \(i)")
            #expect(d.reason?.hasPrefix("invalid request: ") == true, "case \(i): \(d.reason ?? "")")
        }
    }

    @Test func topologyConstraintsValid() throws {
        // NUMATopologyTest.test_topology_constraints: accepted shapes.
        // "^1" as a mixed mask pins every vCPU but 1.
        let mixed = try GuestTopology.make(from: Request(vcpus: 4, memoryMB: 2048, cpuPolicy: .mixed,
                                                          cpuDedicatedMask: .text("^1")))
        #expect(mixed?.cells.first?.pinned == [0, 2, 3])
        // Explicit asymmetric cells.
        let asym = try GuestTopology.make(from: Request(vcpus: 4, memoryMB: 3072, numaNodes: 2,
                                                         numaCPUs: [.list([0]), .text("1-3")],
                                                         numaMemMB: [1024, 2048]))
        #expect(asym?.cells.map(\.vcpus) == [[0], [1, 2, 3]])
        #expect(asym?.cells.map(\.memoryMB) == [1024, 2048])
        // A shared guest without numa_nodes or page size floats: no topology.
        let floating = try GuestTopology.make(from: Request(vcpus: 4, memoryMB: 2048, cpuThreadPolicy: .prefer))
        #expect(floating == nil)
    }
}
