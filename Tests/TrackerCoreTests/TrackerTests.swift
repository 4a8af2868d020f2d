import Testing
@testable import TrackerCore

/// Expected values are worked out by hand from Nova's rules (cited per test),
/// on a small two-cell host:
/// cell 0: shared 0-1, dedicated 2-5, SMT cores {2,4} {3,5}; 4 KiB and 2 MiB pools.
/// cell 1: shared 8-9, dedicated 10-13, SMT cores {10,12} {11,13}; 2 MiB pool of
/// 512 pages with 10 already used by someone else.
/// PCI: PF 3b:00.0 with VFs 3b:01.0 and 3b:01.1, and a plain GPU 5e:00.0.
@Suite struct TrackerTests {
    static let pf = "0000:3b:00.0", vf0 = "0000:3b:01.0", vf1 = "0000:3b:01.1", gpu = "0000:5e:00.0"

    static func host(cell0PCPUs: CPUSet = [2, 3, 4, 5], hugepagesCell1: Int = 512,
                     devices: [PCIDevice]? = nil) -> HostSnapshot {
        HostSnapshot(
            hostname: "t", cpuAllocationRatio: 4, ramAllocationRatio: 1,
            cells: [
                NUMACell(id: 0, cpus: [0, 1], pcpus: cell0PCPUs, siblings: [[2, 4], [3, 5]], memoryMB: 8192,
                         mempages: [PagePool(sizeKB: 4, total: 2_097_152), PagePool(sizeKB: 2048, total: 1024)]),
                NUMACell(id: 1, cpus: [8, 9], pcpus: [10, 11, 12, 13], siblings: [[10, 12], [11, 13]], memoryMB: 8192,
                         mempages: [PagePool(sizeKB: 2048, total: hugepagesCell1, used: 10)]),
            ],
            pciDevices: devices ?? [
                PCIDevice(address: pf, vendorID: "8086", productID: "1592", devType: .pf, numaNode: 0),
                PCIDevice(address: vf0, vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0, parentAddr: pf),
                PCIDevice(address: vf1, vendorID: "8086", productID: "1889", devType: .vf, numaNode: 0, parentAddr: pf),
                PCIDevice(address: gpu, vendorID: "10de", productID: "2330", devType: .pci, numaNode: 1),
            ])
    }

    static func claim(_ id: String, _ request: Request, _ decision: Decision, on host: HostSnapshot = host(),
                      state: ClaimState = .claimed, createdAt: Double = 1000, pid: Int32? = nil,
                      start: UInt64? = nil) -> Claim {
        var c = Claim(id: id, consumer: Consumer(name: id, pid: pid, pidStartTime: start), request: request,
                      decision: decision, usage: Tracker.usage(of: decision, for: request, on: host), state: state,
                      createdAt: createdAt)
        if state == .confirmed { c.confirmedAt = createdAt }
        return c
    }

    static func pinned(_ n: Int, thread: CPUThreadPolicy = .prefer, pageSize: PageSizeRequest? = nil) -> Request {
        Request(vcpus: n, memoryMB: 1024, cpuPolicy: .dedicated, cpuThreadPolicy: thread, memPageSize: pageSize)
    }

    static func onCell(_ cell: Int, pins: [Int: Int], memoryMB: Int = 1024, pagesize: Int? = nil,
                       emulator: [Int] = [], pci: [String] = []) -> Decision {
        let vcpus = Array(0..<Swift.max(pins.count, 1))
        return Decision(fits: true, cells: [DecisionCell(guestCell: 0, hostCell: cell, vcpus: vcpus, memoryMB: memoryMB,
                                                         pinning: pins, pagesizeKB: pagesize)],
                        emulatorCPUs: emulator, pciDevices: pci)
    }

    static func status(_ s: HostState, _ address: String) -> PCIDeviceStatus? {
        s.effective.pciDevices.first { $0.address == address }?.status
    }

    // MARK: CPUs and pages

    @Test func isolateHoldsWholeCoresPreferOnlyThePins() {
        // pin_cpus_with_siblings: pins 2 and 3 touch cores {2,4} and {3,5}, so all four are held.
        let iso = Tracker.usage(of: Self.onCell(0, pins: [0: 2, 1: 3]), for: Self.pinned(2, thread: .isolate), on: Self.host())
        #expect(iso.pinnedCPUs == [2, 3, 4, 5])
        let prefer = Tracker.usage(of: Self.onCell(0, pins: [0: 2, 1: 3]), for: Self.pinned(2), on: Self.host())
        #expect(prefer.pinnedCPUs == [2, 3])

        let s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("a", Self.pinned(2, thread: .isolate),
                                                                         Self.onCell(0, pins: [0: 2, 1: 3]))],
                              now: 1000, processStartTime: nil)
        #expect(s.effective.cells[0].pinnedCPUs == [2, 3, 4, 5])
        #expect(s.effective.cells[0].freePCPUs.isEmpty)
        #expect(s.cpuOwners[4] == "a" && s.cpuOwners[5] == "a")
    }

    @Test func nonHugepageGuestUsesSmallestPagesAndDedicatedGuestNoSharedUsage() {
        // _numa_pagesize_usage_from_cell: no page size → smallest pool (4 KiB):
        // 1024 MiB × 1024 / 4 = 262144 pages. A dedicated guest has no unpinned
        // vCPU, so cpu_usage stays 0; memory_usage grows by 1024.
        let s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("a", Self.pinned(2), Self.onCell(0, pins: [0: 2, 1: 3]))],
                              now: 1000, processStartTime: nil)
        let cell = s.effective.cells[0]
        #expect(cell.mempages.first { $0.sizeKB == 4 }?.used == 262_144)
        #expect(cell.mempages.first { $0.sizeKB == 2048 }?.used == 0)
        #expect(cell.cpuUsage == 0)
        #expect(cell.memoryUsageMB == 1024)
        #expect(s.effective.cells[1] == Self.host().cells[1])
    }

    @Test func hugepagesEmulatorCPUAndMixedSharedUsage() {
        // 2 MiB pages: 1024 MiB / 2 MiB = 512 pages on top of the 10 in use.
        // Mixed guest: vCPUs 0-3, 2 and 3 pinned → 2 shared vCPUs of cpu_usage.
        // Emulator CPU 12 sits on cell 1 and is pinned with the vCPUs (cpuset_reserved).
        let d = Decision(fits: true, cells: [DecisionCell(guestCell: 0, hostCell: 1, vcpus: [0, 1, 2, 3], memoryMB: 1024,
                                                          pinning: [2: 10, 3: 11], pagesizeKB: 2048)],
                         emulatorCPUs: [12])
        let r = Request(vcpus: 4, memoryMB: 1024, cpuPolicy: .mixed, cpuDedicatedMask: .list([2, 3]),
                        emulatorThreadsPolicy: .isolate, memPageSize: .kib(2048))
        let s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("m", r, d)], now: 1000, processStartTime: nil)
        let cell = s.effective.cells[1]
        #expect(cell.pinnedCPUs == [10, 11, 12])
        #expect(cell.cpuUsage == 2)
        #expect(cell.mempages[0].used == 522)
        #expect(cell.mempages[0].available == 0)   // 522 of 512: over-full clamps to 0
        #expect(s.cpuOwners[12] == "m")
    }

    @Test func floatingGuestCountsAgainstHostTotals() {
        // No cells: 3 vCPUs and 3000 MiB spread over both cells (2 shared CPUs
        // each, 8192 MiB each): vCPUs 2 + 1, memory 1500 + 1500; sums exact.
        let r = Request(vcpus: 3, memoryMB: 3000)
        let s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("f", r, Decision(fits: true))],
                              now: 1000, processStartTime: nil)
        #expect(s.effective.cells.map(\.cpuUsage) == [2, 1])
        #expect(s.effective.cells.map(\.memoryUsageMB) == [1500, 1500])
        #expect(s.effective.cells.allSatisfy { $0.pinnedCPUs.isEmpty })
    }

    @Test func releasedClaimsHoldNothing() {
        let s = Tracker.state(snapshot: Self.host(),
                              claims: [Self.claim("r", Self.pinned(2), Self.onCell(0, pins: [0: 2, 1: 3]), state: .released)],
                              now: 1000, processStartTime: nil)
        #expect(s.effective == Self.host())
        #expect(s.claims.isEmpty && s.cpuOwners.isEmpty)
    }

    @Test func doublePromiseIsAConflict() {
        let a = Self.claim("a", Self.pinned(1), Self.onCell(0, pins: [0: 2]))
        let b = Self.claim("b", Self.pinned(1), Self.onCell(0, pins: [0: 2]), createdAt: 1001)
        let s = Tracker.state(snapshot: Self.host(), claims: [a, b], now: 1001, processStartTime: nil)
        #expect(s.conflicts.count == 1)
        #expect(s.conflicts.first?.contains("claim a and claim b") == true)
        #expect(s.cpuOwners[2] == "a")
    }

    // MARK: PCI, objects/pci_device.py claim/allocate

    @Test func vfClaimedThenAllocatedDrivesItsPF() {
        let r = Request(vcpus: 1, memoryMB: 512)
        let d = Decision(fits: true, pciDevices: [Self.vf0])
        var s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("v", r, d)], now: 1000, processStartTime: nil)
        #expect(Self.status(s, Self.vf0) == .claimed)
        #expect(Self.status(s, Self.pf) == .unclaimable)   // VF claim ⇒ PF unclaimable
        #expect(Self.status(s, Self.vf1) == .available)    // sibling VF untouched
        s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("v", r, d, state: .confirmed)], now: 1000,
                          processStartTime: nil)
        #expect(Self.status(s, Self.vf0) == .allocated)
        #expect(Self.status(s, Self.pf) == .unavailable)   // VF allocate ⇒ PF unavailable
        #expect(s.pciOwners[Self.vf0] == "v")
    }

    @Test func oneAllocatedVFOutranksAClaimedOne() {
        let r = Request(vcpus: 1, memoryMB: 512)
        let a = Self.claim("a", r, Decision(fits: true, pciDevices: [Self.vf0]))
        let b = Self.claim("b", r, Decision(fits: true, pciDevices: [Self.vf1]), state: .confirmed, createdAt: 1001)
        let s = Tracker.state(snapshot: Self.host(), claims: [a, b], now: 1001, processStartTime: nil)
        #expect(Self.status(s, Self.pf) == .unavailable)
        #expect(s.conflicts.isEmpty)
    }

    @Test func pfClaimedOrAllocatedLocksItsVFs() {
        let r = Request(vcpus: 1, memoryMB: 512)
        let d = Decision(fits: true, pciDevices: [Self.pf])
        var s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("p", r, d)], now: 1000, processStartTime: nil)
        #expect(Self.status(s, Self.pf) == .claimed)
        #expect(Self.status(s, Self.vf0) == .unclaimable && Self.status(s, Self.vf1) == .unclaimable)
        #expect(Self.status(s, Self.gpu) == .available)
        s = Tracker.state(snapshot: Self.host(), claims: [Self.claim("p", r, d, state: .confirmed)], now: 1000,
                          processStartTime: nil)
        #expect(Self.status(s, Self.pf) == .allocated)
        #expect(Self.status(s, Self.vf0) == .unavailable && Self.status(s, Self.vf1) == .unavailable)
    }

    @Test func pfAndItsVFBothHeldIsAConflict() {
        let r = Request(vcpus: 1, memoryMB: 512)
        let a = Self.claim("a", r, Decision(fits: true, pciDevices: [Self.pf]))
        let b = Self.claim("b", r, Decision(fits: true, pciDevices: [Self.vf1]), createdAt: 1001)
        let s = Tracker.state(snapshot: Self.host(), claims: [a, b], now: 1001, processStartTime: nil)
        #expect(s.conflicts.contains { $0.contains(Self.pf) && $0.contains(Self.vf1) })
    }

    // MARK: Stuck

    @Test func ownerExitedAndPidReused() {
        let r = Self.pinned(1)
        let gone = Self.claim("g", r, Self.onCell(0, pins: [0: 2]), state: .confirmed, pid: 100, start: 5)
        let reused = Self.claim("u", r, Self.onCell(0, pins: [0: 3]), state: .confirmed, pid: 200, start: 7)
        // 512 MiB on cell 1, whose smallest pool is 2 MiB: 256 of its 502 free pages.
        let fine = Self.claim("f", r, Self.onCell(1, pins: [0: 10], memoryMB: 512), state: .confirmed, pid: 300, start: 9)
        let procs: [Int32: UInt64] = [200: 8, 300: 9]   // pid 200 now started at another time
        let s = Tracker.state(snapshot: Self.host(), claims: [gone, reused, fine], now: 1000,
                              processStartTime: { procs[$0].map { .alive(startTime: $0) } ?? .gone })
        #expect(s.stuck["g"] == [.ownerExited(pid: 100)])
        #expect(s.stuck["u"] == [.ownerPidReused(pid: 200)])
        #expect(s.stuck["f"] == nil)
        #expect(s.stuck["g"]?.first?.description == "owner pid 100 exited")
        // Flagged, never dropped: the CPUs stay pinned.
        #expect(s.effective.cells[0].pinnedCPUs == [2, 3])
        #expect(s.claims.count == 3)
    }

    @Test func ownerNotVisibleIsNotStuckButShown() {
        // hidepid: another user's live owner cannot be read. Before, that read
        // as "owner pid 100 exited" and release --stuck would have freed CPU 2.
        let c = Self.claim("h", Self.pinned(1), Self.onCell(0, pins: [0: 2]), state: .confirmed, pid: 100, start: 5)
        let s = Tracker.state(snapshot: Self.host(), claims: [c], now: 1000,
                              processStartTime: { _ in .unknown(why: "/proc/100/stat: Permission denied") })
        #expect(s.stuck.isEmpty)
        #expect(s.ownersNotVisible["h"] == OwnerNotVisible(pid: 100, why: "/proc/100/stat: Permission denied"))
        #expect(s.ownersNotVisible["h"]?.description
                == "owner pid 100 not visible to this user (/proc/100/stat: Permission denied)")
        #expect(s.effective.cells[0].pinnedCPUs == [2])
        // Nor without a snapshot (what `list` judges when the host cannot be probed).
        let unprobed = ClaimStateDerivation.derive(snapshot: nil, claims: [c],
                                                   observations: Observations(now: 1000, processes: [100: .unknown(why: "x")]))
        #expect(unprobed.stuck.isEmpty)
        // Gone stays stuck, and a visible owner is never flagged as hidden.
        let gone = Tracker.state(snapshot: Self.host(), claims: [c], now: 1000, processStartTime: { _ in .gone })
        #expect(gone.stuck["h"] == [.ownerExited(pid: 100)])
        #expect(gone.ownersNotVisible.isEmpty)
    }

    @Test func unconfirmedPastTTLOnlyWhileClaimed() {
        let old = Self.claim("o", Self.pinned(1), Self.onCell(0, pins: [0: 2]), createdAt: 1000)
        let confirmed = Self.claim("c", Self.pinned(1), Self.onCell(0, pins: [0: 3]), state: .confirmed, createdAt: 1000)
        // TTL 600 s: at 1600 s exactly it is not yet past; at 1700 it is.
        #expect(Tracker.state(snapshot: Self.host(), claims: [old], now: 1600, processStartTime: nil).stuck.isEmpty)
        let s = Tracker.state(snapshot: Self.host(), claims: [old, confirmed], now: 1700, processStartTime: nil)
        #expect(s.stuck["o"] == [.unconfirmedPastTTL(ageSeconds: 700, ttlSeconds: 600)])
        #expect(s.stuck["c"] == nil)
    }

    @Test func resourceGoneKeepsTheRestAccounted() {
        // CPU 5 went offline (left pcpus); the GPU was unplugged.
        let c = Self.claim("x", Self.pinned(2), Self.onCell(0, pins: [0: 4, 1: 5], pci: [Self.gpu]))
        let shrunkHost = Self.host(cell0PCPUs: [2, 3, 4], devices: Self.host().pciDevices.filter { $0.address != Self.gpu })
        let s = Tracker.state(snapshot: shrunkHost, claims: [c], now: 1000, processStartTime: nil)
        #expect(s.stuck["x"] == [.resourceGone("dedicated CPU 5 on cell 0"), .resourceGone("PCI device \(Self.gpu)")])
        #expect(s.effective.cells[0].pinnedCPUs == [4])   // the CPU still there stays held
        #expect(s.cpuOwners[5] == "x")                     // and the gone one stays owned
        #expect(s.pciOwners[Self.gpu] == "x")
    }

    @Test func shrunkPoolFlagsTheNewestClaims() {
        // Cell 1's 2 MiB pool: 512 pages, 10 used elsewhere → 502 for claims.
        // a (older) takes 300, b takes 300: b is 600 - 502 = 98 short. After a
        // shrink to 400 pages (390 for claims) a still fits (300 ≤ 390) and b
        // is 300 - 90 = 210 short, whatever order the claims are passed in.
        let r = Self.pinned(1, pageSize: .kib(2048))
        let a = Self.claim("a", r, Self.onCell(1, pins: [0: 10], memoryMB: 600, pagesize: 2048), createdAt: 1000)
        let b = Self.claim("b", r, Self.onCell(1, pins: [0: 11], memoryMB: 600, pagesize: 2048), createdAt: 1001)
        let full = Tracker.state(snapshot: Self.host(), claims: [a, b], now: 1001, processStartTime: nil)
        #expect(full.stuck["b"] == [.poolShrunk(cell: 1, sizeKB: 2048, missingPages: 98)])
        #expect(full.stuck["a"] == nil)
        let shrunk = Tracker.state(snapshot: Self.host(hugepagesCell1: 400), claims: [b, a], now: 1001, processStartTime: nil)
        #expect(shrunk.stuck["b"] == [.poolShrunk(cell: 1, sizeKB: 2048, missingPages: 210)])
        #expect(shrunk.stuck["a"] == nil)
        #expect(shrunk.effective.cells[1].mempages[0].used == 610)   // 10 + 300 + 300, still accounted
    }

    // MARK: Transitions

    @Test func transitionsAllowOnlyNovasOrder() throws {
        let c = Self.claim("t", Self.pinned(1), Self.onCell(0, pins: [0: 2]))
        let confirmed = try Tracker.confirm(c, at: 1001)
        #expect(confirmed.state == .confirmed && confirmed.confirmedAt == 1001)
        #expect(throws: ClaimTransitionError.self) { try Tracker.confirm(confirmed, at: 1002) }
        #expect(throws: ClaimTransitionError.self) { try Tracker.abort(confirmed, at: 1002) }
        let released = try Tracker.release(confirmed, at: 1003)
        #expect(released.state == .released && released.endedAt == 1003)
        do {
            _ = try Tracker.release(released, at: 1004)
            Issue.record("a second release must fail")
        } catch {
            #expect(error.description == "claim t is already released")
        }
        let aborted = try Tracker.abort(c, at: 1005)
        #expect(aborted.state == .aborted)
        #expect(throws: ClaimTransitionError.self) { try Tracker.confirm(aborted, at: 1006) }
        #expect(throws: ClaimTransitionError.self) {
            try Tracker.claim(id: "n", consumer: Consumer(name: "n"), request: Self.pinned(1), decision: .noFit("full"),
                              on: Self.host(), at: 1, ttlSeconds: 600, note: nil)
        }
    }

    @Test func proportionalSplitSumsExactly() {
        #expect(Tracker.proportional(7, weights: [1, 1, 1]) == [3, 2, 2])
        #expect(Tracker.proportional(5, weights: [0, 0]) == [3, 2])
        #expect(Tracker.proportional(4, weights: [0, 3]) == [0, 4])
    }
}
