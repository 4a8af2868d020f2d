import Testing
@testable import TrackerCore

/// Holders, outside use, conflicts and the live fit, derived from
/// hand-built observations. Expected numbers are worked out in the comments
/// from the host each test builds.
@Suite struct LiveTruthDerivationTests {
    /// One cell: shared CPU 0, dedicated CPUs 1-3, a 4 KiB pool and a 2 MiB
    /// pool of 1024 pages with the kernel's `free` (nil: not probed), and
    /// the devices given.
    static func host(free: Int? = 200, surplus: Int? = 0, devices: [PCIDevice] = []) -> HostSnapshot {
        HostSnapshot(hostname: "t", cells: [
            NUMACell(id: 0, cpus: [0], pcpus: [1, 2, 3], memoryMB: 16384,
                     mempages: [PagePool(sizeKB: 4, total: 2_097_152),
                                PagePool(sizeKB: 2048, total: 1024, free: free, surplus: surplus)]),
        ], pciDevices: devices)
    }

    static func pages(_ n: Int) -> Request {
        Request(vcpus: 1, memoryMB: n * 2, memPageSize: .kib(2048))
    }

    static let oneDedicated = Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated)

    /// A claim of `pages` 2 MiB pages on cell 0, made by the fitter on `host()`.
    static func pageClaim(_ id: String, pages: Int, state: ClaimState) throws -> Claim {
        let request = Self.pages(pages)
        let decision = Fitter.fit(request, on: host(free: nil))
        return try Tracker.claim(id: id, consumer: Consumer(name: id), request: request, decision: decision,
                                 on: host(free: nil), at: 100, ttlSeconds: 600, note: nil, confirmed: state == .confirmed)
    }

    static func qemu(_ pid: Int32, cpus: CPUSet = [], devices: [String] = []) -> Holder {
        Holder(kind: .kernel, id: "pid:\(pid)", name: "qemu-kvm", pid: pid, comm: "qemu-kvm", cpus: cpus, pciDevices: devices)
    }

    // MARK: hugepages in use outside restrack

    @Test func pagesTheKernelShowsInUseWithNoClaimAreOutsideUse() throws {
        // 1024 − 200 free − 0 surplus = 824 in use, no claim explains any.
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [], observations: Observations(now: 0))
        let outside = state.findings.filter { $0.kind == .outsideUse }
        #expect(outside.map(\.resource) == ["2M pages on node 0"])
        #expect(outside.first?.holders == ["outside"])
        #expect(outside.first?.message.hasPrefix("824 of 1024 2M pages on node 0 are in use outside restrack") == true)
        let holder = try #require(state.holders.first { $0.id == "outside" })
        #expect(holder.kind == .kernel && holder.name == "outside")
        #expect(holder.pages == [HeldPages(node: 0, sizeKB: 2048, count: 824)])
        // 1024 − 824: what the kernel has free.
        #expect(state.effective.cells[0].mempages[1].available == 200)
        let live = try #require(state.live)
        let refused = LiveFit.fit(Self.pages(900), view: live)
        #expect(!refused.fits)
        #expect(refused.reason?.hasPrefix("824 of 1024 2M pages on node 0 are in use outside restrack; ") == true)
        #expect(LiveFit.fit(Self.pages(150), view: live).fits)
        // Nova's semantics alone (no kernel counts) would have given 900.
        #expect(Fitter.fit(Self.pages(900), on: Self.host(free: nil)).fits)
    }

    @Test func aPoolWithoutTheKernelsFreeCountHasNoOutsideUse() {
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [], observations: Observations(now: 0))
        #expect(state.findings.isEmpty)
        #expect(state.effective.cells[0].mempages[1].available == 1024)
    }

    @Test func aConfirmedGuestsFaultedPagesAreNotCountedTwice() throws {
        // 500 pages confirmed and faulted: the kernel shows 524 free; in use
        // 500, all explained by the claim. 1024 − 500 = 524 left, not 24.
        let claim = try Self.pageClaim("c1", pages: 500, state: .confirmed)
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: 524), claims: [claim],
                                                observations: Observations(now: 200))
        #expect(!state.findings.contains { $0.kind == .outsideUse })
        #expect(!state.holders.contains { $0.id == "outside" })
        #expect(state.effective.cells[0].mempages[1].available == 524)
        let live = try #require(state.live)
        #expect(LiveFit.fit(Self.pages(524), view: live).fits)
        #expect(!LiveFit.fit(Self.pages(525), view: live).fits)
        // The claim is a restrack holder with its pages.
        let mine = try #require(state.holders.first { $0.id == "c1" })
        #expect(mine.kind == .restrack && mine.pages == [HeldPages(node: 0, sizeKB: 2048, count: 500)])
    }

    @Test func anUnconfirmedClaimsPagesAreStillTakenFromWhatTheKernelHasFree() throws {
        // 150 claimed but the guest not started: the kernel still shows 200
        // free, 824 in use outside. 1024 − 150 − 824 = 50 left.
        let claim = try Self.pageClaim("c1", pages: 150, state: .claimed)
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: 200), claims: [claim],
                                                observations: Observations(now: 200))
        #expect(state.effective.cells[0].mempages[1].available == 50)
    }

    // MARK: CPUs pinned by kernel holders

    @Test func aKernelHolderOfADedicatedCPUBlocksAClaimNeedingItAndIsNamed() throws {
        // Dedicated CPUs 1-3; pid 4121 pins 1-3: nothing left.
        let seen = Observations(now: 0, holders: [Self.qemu(4121, cpus: [1, 2, 3])])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [], observations: seen)
        #expect(state.effective.cells[0].freePCPUs.isEmpty)
        #expect(state.cpuHolders[1]?.id == "pid:4121")
        let decision = LiveFit.fit(Self.oneDedicated, view: try #require(state.live))
        #expect(!decision.fits)
        #expect(decision.reason?.hasPrefix("CPU 1 is pinned by pid 4121 (qemu-kvm), not by a restrack claim; ") == true)
        let outside = try #require(state.findings.first { $0.kind == .outsideUse })
        #expect(outside.resource == "CPUs 1-3" && outside.holders == ["pid:4121"])
        #expect(outside.message.contains("pinned by pid 4121 (qemu-kvm), not by a restrack claim"))
    }

    @Test func theNewClaimsOwnPinningIsNotABlocker() throws {
        let seen = Observations(now: 0, holders: [Self.qemu(4121, cpus: [1, 2, 3])])
        let base = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [], observations: seen)
        let live = try #require(base.live)
        var owners = live.owners
        owners.addClaimant(4121)
        let mine = LiveView(snapshot: live.snapshot, claimsOnly: live.claimsOnly, observations: seen,
                            owners: owners, claimedPages: [:], confirmedPages: [:])
        #expect(mine.holders.isEmpty)
        let decision = LiveFit.fit(Self.oneDedicated, view: mine)
        #expect(decision.fits)
        #expect(decision.cells.first?.pinning[0] == 1)
    }

    @Test func aLiveClaimsOwnerPinnedToItsCPUsIsThatClaimNotAConflict() throws {
        let request = Self.oneDedicated
        let decision = Fitter.fit(request, on: Self.host(free: nil))
        var claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "vm-1"), request: request, decision: decision,
                                      on: Self.host(free: nil), at: 100, ttlSeconds: 600, note: nil, confirmed: true)
        claim.consumer.pid = 4121
        claim.consumer.pidStartTime = 9
        let seen = Observations(now: 200, processes: [4121: .alive(startTime: 9)], holders: [Self.qemu(4121, cpus: [1])])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [claim], observations: seen)
        #expect(state.holders.map(\.id) == ["c1"])
        #expect(state.findings.isEmpty)
        #expect(state.cpuHolders.isEmpty)
        // The same pid, reused by another process, explains nothing.
        let reused = Observations(now: 200, processes: [4121: .alive(startTime: 77)], holders: [Self.qemu(4121, cpus: [1])])
        let after = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [claim], observations: reused)
        #expect(after.findings.map(\.kind) == [.conflict])
    }

    // MARK: merging and conflicts

    @Test func holdersWithOneIDFromTwoProbesAreOne() {
        let address = "0000:3b:00.2"
        let pinned = Self.qemu(4121, cpus: [2, 3])
        let seen = Observations(now: 0, holders: [pinned, Self.qemu(4121, cpus: [3], devices: [address])],
                                devices: [address: DeviceUse(address: address, driver: "vfio-pci",
                                                             vfioUsers: [ProcessRef(pid: 4121, comm: "qemu-kvm")])])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [], observations: seen)
        #expect(state.holders.count == 1)
        let h = state.holders[0]
        #expect(h.id == "pid:4121" && h.pid == 4121 && h.comm == "qemu-kvm")
        #expect(h.cpus == [2, 3])
        #expect(h.pciDevices == [address])
    }

    @Test func aClaimsCPUAndDevicePinnedOrOpenedByAnotherProcessAreConflictsOnTheClaimRow() throws {
        let address = "0000:3b:00.2"
        let dev = PCIDevice(address: address, vendorID: "8086", productID: "154c")
        let host = Self.host(free: nil, devices: [dev])
        var request = Self.oneDedicated
        request.pciRequests = [PCIRequestSpec(vendorID: "8086", productID: "154c", count: 1)]
        let decision = Fitter.fit(request, on: host)
        #expect(decision.fits)
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "vm-1", pid: 10, pidStartTime: 5), request: request,
                                      decision: decision, on: host, at: 100, ttlSeconds: 600, note: nil, confirmed: true)
        let seen = Observations(now: 200, processes: [10: .alive(startTime: 5)],
                                holders: [Self.qemu(77, cpus: [1])],
                                devices: [address: DeviceUse(address: address, driver: "vfio-pci",
                                                             vfioUsers: [ProcessRef(pid: 99, comm: "dpdk")])])
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [claim], observations: seen)
        let conflicts = state.findings.filter { $0.kind == .conflict }
        #expect(conflicts.map(\.resource) == ["CPU 1", "PCI \(address)"])
        #expect(conflicts.map(\.holders) == [["c1", "pid:77"], ["c1", "pid:99"]])
        #expect(conflicts[0].message.contains("held by claim c1 (vm-1) and also pinned by pid 77 (qemu-kvm)"))
        #expect(conflicts[1].message.contains("held open by pid 99 (dpdk)"))
        #expect(state.findings(for: "c1").filter { $0.kind == .conflict }.count == 2)
    }

    // MARK: devices the host uses

    static let disk = PCIDevice(address: "0000:00:02.0", vendorID: "1af4", productID: "1001")

    static var diskRequest: Request {
        var r = Request(vcpus: 1, memoryMB: 256)
        r.pciRequests = [PCIRequestSpec(vendorID: "1af4", productID: "1001", count: 1)]
        return r
    }

    @Test func aHostOwnedDeviceIsRefusedNamingTheHost() throws {
        let use = DeviceUse(address: Self.disk.address, driver: "virtio-pci", hostReason: "disk controller of vda, mounted at /")
        let seen = Observations(now: 0, devices: [Self.disk.address: use])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil, devices: [Self.disk]), claims: [],
                                                observations: seen)
        #expect(state.deviceBlockers[Self.disk.address] == "bound to virtio-pci: disk controller of vda, mounted at /")
        #expect(state.effective.pciDevices[0].status == .unavailable)
        #expect(state.holders.map(\.id) == ["host:0000:00:02.0"])
        let decision = LiveFit.fit(Self.diskRequest, view: try #require(state.live))
        #expect(!decision.fits)
        #expect(decision.reason?.hasPrefix(
            "PCI 0000:00:02.0 is held by the host (bound to virtio-pci: disk controller of vda, mounted at /); ") == true)
        // The pure fit of the same snapshot hands it out (Nova's semantics).
        #expect(Fitter.fit(Self.diskRequest, on: Self.host(free: nil, devices: [Self.disk])).fits)
    }

    @Test func withoutDeviceSpecOnlyDevicesFreeForPassthroughAreClaimable() {
        func blocker(_ use: DeviceUse, spec: Bool = false, type: PCIDeviceType = .pci) -> String? {
            var dev = PCIDevice(address: use.address, vendorID: "8086", productID: "1", devType: type,
                                parentAddr: type == .vf ? "0000:01:00.0" : nil)
            dev.driver = use.driver
            return DeviceJudgement.blocker(use, device: dev, specConfigured: spec, owners: ClaimOwners())
        }
        let a = "0000:01:00.1"
        #expect(blocker(DeviceUse(address: a)) == nil)
        #expect(blocker(DeviceUse(address: a, driver: "vfio-pci")) == nil)
        #expect(blocker(DeviceUse(address: a, driver: "pci-stub")) == nil)
        #expect(blocker(DeviceUse(address: a, driver: "e1000e")) == "bound to host driver e1000e, not to vfio-pci or pci-stub")
        // With a device_spec the operator listed it: Nova's semantics.
        #expect(blocker(DeviceUse(address: a, driver: "e1000e"), spec: true) == nil)
        // A VF whose interface is down is free; up, it is the host's.
        #expect(blocker(DeviceUse(address: a, driver: "iavf"), type: .vf) == nil)
        #expect(blocker(DeviceUse(address: a, driver: "iavf", netdevUp: true), type: .vf) == "bound to iavf with its network interface up")
        // Held open by a process: blocked with or without a spec.
        let held = DeviceUse(address: a, driver: "vfio-pci", vfioUsers: [ProcessRef(pid: 4121, comm: "qemu-kvm")])
        #expect(blocker(held) == "held open by pid 4121 (qemu-kvm)")
        #expect(blocker(held, spec: true) == "held open by pid 4121 (qemu-kvm)")
    }

    @Test func devicesWithNoObservationAreJudgedByTheSnapshotAlone() {
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil, devices: [Self.disk]), claims: [],
                                                observations: Observations(now: 0))
        #expect(state.deviceBlockers.isEmpty)
        #expect(state.effective == Self.host(free: nil, devices: [Self.disk]))
    }

    @Test func notVisibleSourcesAreFindings() {
        let seen = Observations(now: 0, notVisible: ["/proc/4121 of another user"])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [], observations: seen)
        #expect(state.findings.map(\.kind) == [.notVisible])
        #expect(state.findings.first?.resource == "/proc/4121 of another user")
    }

    @Test func aClaimedDeviceTheHostUsesIsAConflict() throws {
        let address = "0000:3b:00.2"
        let dev = PCIDevice(address: address, vendorID: "8086", productID: "154c")
        let host = Self.host(free: nil, devices: [dev])
        var request = Request(vcpus: 1, memoryMB: 256)
        request.pciRequests = [PCIRequestSpec(vendorID: "8086", productID: "154c", count: 1)]
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "vm-1"), request: request,
                                      decision: Fitter.fit(request, on: host), on: host, at: 100, ttlSeconds: 600,
                                      note: nil, confirmed: true)
        // Bound to a host NIC driver with its interface up: the host uses it.
        let up = Observations(now: 200, devices: [address: DeviceUse(address: address, driver: "ixgbe", netdevUp: true)])
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [claim], observations: up)
        let conflict = try #require(state.findings.first { $0.kind == .conflict })
        #expect(conflict.holders == ["c1", "host:\(address)"])
        #expect(conflict.message.contains("bound to host driver ixgbe with its network interface up"))
        #expect(state.holders.map(\.id) == ["c1", "host:\(address)"])
        // Bound to vfio-pci and opened by nobody else: no conflict.
        let fine = Observations(now: 200, devices: [address: DeviceUse(address: address, driver: "vfio-pci")])
        #expect(ClaimStateDerivation.derive(snapshot: host, claims: [claim], observations: fine).findings.isEmpty)
    }

    @Test func aVFInUseLeavesItsPFUnavailable() {
        let pf = PCIDevice(address: "0000:3b:00.0", vendorID: "8086", productID: "1592", devType: .pf)
        let vf = PCIDevice(address: "0000:3b:01.0", vendorID: "8086", productID: "1889", devType: .vf,
                           parentAddr: pf.address)
        let use = DeviceUse(address: vf.address, driver: "vfio-pci", vfioUsers: [ProcessRef(pid: 7, comm: "testpmd")])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(free: nil, devices: [pf, vf]), claims: [],
                                                observations: Observations(now: 0, devices: [vf.address: use]))
        #expect(state.deviceBlockers[vf.address] == "held open by pid 7 (testpmd)")
        #expect(state.deviceBlockers[pf.address] == "its VF 0000:3b:01.0 is held open by pid 7 (testpmd)")
        #expect(state.effective.pciDevices.map(\.status) == [.unavailable, .unavailable])
    }

    @Test func cgroupsInTheScopeOfAClaimsOwnerAreThatClaimsUse() throws {
        let request = Self.oneDedicated
        let host = Self.host(free: nil)
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "vm-1", pid: 4121, pidStartTime: 9),
                                      request: request, decision: Fitter.fit(request, on: host), on: host, at: 100,
                                      ttlSeconds: 600, note: nil, confirmed: true)
        let scope = "/machine.slice/machine-qemu-1-vm1.scope"
        var owner = Self.qemu(4121, cpus: [1])
        owner.cgroup = scope + "/libvirt/emulator"
        let vcpu = Holder(kind: .kernel, id: "cgroup:\(scope)/libvirt/vcpu0", name: "vcpu0", cgroup: scope + "/libvirt/vcpu0",
                          cpus: [1])
        let stranger = Holder(kind: .kernel, id: "cgroup:/machine.slice/machine-qemu-2-vm2.scope/libvirt/vcpu0",
                              name: "vcpu0", cgroup: "/machine.slice/machine-qemu-2-vm2.scope/libvirt/vcpu0", cpus: [2])
        let seen = Observations(now: 200, processes: [4121: .alive(startTime: 9)], holders: [owner, vcpu, stranger])
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [claim], observations: seen)
        // vm1's vCPU cgroup is claim c1's own; vm2's is another owner's CPU 2.
        #expect(state.holders.map(\.id) == ["c1", stranger.id])
        #expect(state.findings.map(\.kind) == [.outsideUse])
        #expect(state.findings.first?.resource == "CPU 2")
        #expect(CgroupUnit.scope(of: "/system.slice/sshd.service") == nil)
        #expect(CgroupUnit.scope(of: "/kubepods.slice/pod1.slice/cri-containerd-ab.scope/x") == "/kubepods.slice/pod1.slice/cri-containerd-ab.scope")
    }
}
