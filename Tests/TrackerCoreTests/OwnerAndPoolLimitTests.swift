import Testing
@testable import TrackerCore

/// What the derivation must not promise: surplus hugepages, the part of a
/// claim owner's holding its claims do not explain, and the VFs of a PF a
/// VM holds. Expected values are worked out in the comments.
@Suite struct OwnerAndPoolLimitTests {
    /// One cell: shared CPU 0, dedicated CPUs 1-3, a 2 MiB pool as given.
    static func host(total: Int = 0, free: Int? = nil, surplus: Int? = nil, devices: [PCIDevice] = []) -> HostSnapshot {
        HostSnapshot(hostname: "t", cells: [
            NUMACell(id: 0, cpus: [0], pcpus: [1, 2, 3], memoryMB: 16384,
                     mempages: [PagePool(sizeKB: 4, total: 2_097_152),
                                PagePool(sizeKB: 2048, total: total, free: free, surplus: surplus)]),
        ], pciDevices: devices)
    }

    static let oneDedicated = Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated)

    /// Claim `id` for `pid` of one dedicated CPU, fitted on `host()` (CPU 1).
    static func cpuClaim(_ id: String, pid: Int32) throws -> Claim {
        let decision = Fitter.fit(oneDedicated, on: host())
        return try Tracker.claim(id: id, consumer: Consumer(name: id, pid: pid, pidStartTime: 9), request: oneDedicated,
                                 decision: decision, on: host(), at: 100, ttlSeconds: 600, note: nil, confirmed: true)
    }

    // MARK: surplus hugepages

    @Test func surplusPagesInUseAreNotPromised() throws {
        // nr_hugepages 1074 counts 50 surplus; the kernel has 0 free: the
        // persistent 1024 are all in use outside, the 50 surplus too.
        let state = ClaimStateDerivation.derive(snapshot: Self.host(total: 1074, free: 0, surplus: 50), claims: [],
                                                observations: Observations(now: 0))
        #expect(state.effective.cells[0].mempages[1].available == 0)
        let live = try #require(state.live)
        let r = LiveFit.fit(Request(vcpus: 1, memoryMB: 2, memPageSize: .kib(2048)), view: live)
        #expect(!r.fits)
        #expect(r.reason?.contains("50 2M pages on node 0 are surplus pages") == true)
    }

    @Test func withSurplusTheOfferIsTheKernelsFreeCount() throws {
        // 1074 − 50 free − 50 surplus = 974 in use outside; 1074 − 974 − 50
        // surplus = 50 promisable, exactly the kernel's free count.
        let state = ClaimStateDerivation.derive(snapshot: Self.host(total: 1074, free: 50, surplus: 50), claims: [],
                                                observations: Observations(now: 0))
        #expect(state.effective.cells[0].mempages[1].available == 50)
        let live = try #require(state.live)
        #expect(LiveFit.fit(Request(vcpus: 1, memoryMB: 100, memPageSize: .kib(2048)), view: live).fits)
        #expect(!LiveFit.fit(Request(vcpus: 1, memoryMB: 102, memPageSize: .kib(2048)), view: live).fits)
    }

    // MARK: a claim owner's extra holding

    @Test func anOwnersCPUsBeyondItsClaimAreHeldByIt() throws {
        let claim = try Self.cpuClaim("c1", pid: 4121)
        #expect(claim.usage.pinnedCPUs == [1])
        // pid 4121 pins a thread to CPU 2 besides its claim's CPU 1.
        let seen = Observations(now: 200, processes: [4121: .alive(startTime: 9)],
                                holders: [Holder(kind: .kernel, id: "pid:4121", name: "qemu", pid: 4121, comm: "qemu", cpus: [1, 2])])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [claim], observations: seen)
        #expect(state.cpuHolders[2]?.id == "pid:4121")
        #expect(state.cpuHolders[1] == nil)
        #expect(state.holders.first { $0.id == "pid:4121" }?.cpus == [2])
        let outside = state.findings.filter { $0.kind == .outsideUse }
        #expect(outside.map(\.resource) == ["CPU 2"])
        #expect(outside.first?.holders == ["pid:4121"])
        #expect(!state.findings.contains { $0.kind == .conflict })
        let live = try #require(state.live)
        let next = LiveFit.fit(Self.oneDedicated, view: live)
        // CPU 1 is c1's, CPU 2 the owner's own: CPU 3 is what is left.
        #expect(Tracker.usage(of: next, for: Self.oneDedicated, on: Self.host()).pinnedCPUs == [3])
    }

    @Test func aCgroupInTheOwnersScopeHoldsWhatItsClaimDoesNot() throws {
        let claim = try Self.cpuClaim("c1", pid: 4121)
        let scope = "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope"
        let seen = Observations(now: 200, processes: [4121: .alive(startTime: 9)], holders: [
            Holder(kind: .kernel, id: "pid:4121", name: "qemu", pid: 4121, comm: "qemu", cgroup: scope + "/emulator", cpus: [1]),
            Holder(kind: .kernel, id: "cgroup:\(scope)/vcpu1", name: "vcpu1", cgroup: scope + "/vcpu1", cpus: [1, 3]),
        ])
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [claim], observations: seen)
        #expect(state.cpuHolders[1] == nil)
        #expect(state.cpuHolders[3]?.id == "cgroup:\(scope)/vcpu1")
        #expect(state.holders.first { $0.id == "pid:4121" } == nil)
    }

    @Test func aReusedOwnerPidHoldsLikeAnyProcess() throws {
        let claim = try Self.cpuClaim("c1", pid: 4121)
        // pid 4121 now started at 77, not at 9: another process.
        let seen = Observations(now: 200, processes: [4121: .alive(startTime: 77)],
                                holders: [Holder(kind: .kernel, id: "pid:4121", name: "sh", pid: 4121, comm: "sh", cpus: [1])])
        let owners = ClaimOwners.of([claim], observations: seen)
        #expect(owners.pids.isEmpty)
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [claim], observations: seen)
        #expect(state.findings.contains { $0.kind == .conflict && $0.holders == ["c1", "pid:4121"] })
    }

    @Test func anOwnerHoldingADeviceItDidNotClaimBlocksIt() throws {
        let a = PCIDevice(address: "0000:3b:00.0", vendorID: "10de", productID: "1eb8")
        let b = PCIDevice(address: "0000:3c:00.0", vendorID: "10de", productID: "1eb8")
        let h = Self.host(devices: [a, b])
        let request = Request(vcpus: 1, memoryMB: 256, pciRequests: [PCIRequestSpec(vendorID: "10de", productID: "1eb8")])
        let decision = Fitter.fit(request, on: h)
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "vm", pid: 50, pidStartTime: 9), request: request,
                                      decision: decision, on: h, at: 100, ttlSeconds: 600, note: nil, confirmed: true)
        let mine = try #require(claim.usage.pciDevices.first)
        let other = mine == a.address ? b.address : a.address
        let seen = Observations(now: 200, processes: [50: .alive(startTime: 9)], devices: [
            mine: DeviceUse(address: mine, driver: "vfio-pci", vfioUsers: [ProcessRef(pid: 50, comm: "qemu")]),
            other: DeviceUse(address: other, driver: "vfio-pci", vfioUsers: [ProcessRef(pid: 50, comm: "qemu")]),
        ])
        let state = ClaimStateDerivation.derive(snapshot: h, claims: [claim], observations: seen)
        #expect(state.deviceBlockers[other] == "held open by pid 50 (qemu)")
        #expect(!state.findings.contains { $0.kind == .conflict })
    }

    // MARK: PF passed through

    static let pf = PCIDevice(address: "0000:3b:00.0", vendorID: "8086", productID: "1572", devType: .pf)
    static let vf = PCIDevice(address: "0000:3b:02.0", vendorID: "8086", productID: "154c", devType: .vf,
                              parentAddr: "0000:3b:00.0")

    @Test func aPFHeldOpenByAVFIOUserBlocksItsVFs() {
        let h = Self.host(devices: [Self.pf, Self.vf])
        let seen = Observations(now: 0, devices: [
            Self.pf.address: DeviceUse(address: Self.pf.address, driver: "vfio-pci", vfioUsers: [ProcessRef(pid: 77, comm: "qemu")]),
            Self.vf.address: DeviceUse(address: Self.vf.address, driver: "iavf")])
        let state = ClaimStateDerivation.derive(snapshot: h, claims: [], observations: seen)
        #expect(state.deviceBlockers[Self.vf.address] == "its PF 0000:3b:00.0 is held open by pid 77 (qemu)")
        #expect(state.effective.pciDevices.first { $0.address == Self.vf.address }?.status == .unavailable)
    }

    @Test func aPFTheHostDrivesLeavesItsVFsClaimable() {
        let h = Self.host(devices: [Self.pf, Self.vf])
        let seen = Observations(now: 0, devices: [
            Self.pf.address: DeviceUse(address: Self.pf.address, driver: "i40e", netdevUp: true),
            Self.vf.address: DeviceUse(address: Self.vf.address, driver: "iavf")])
        let state = ClaimStateDerivation.derive(snapshot: h, claims: [], observations: seen)
        #expect(state.deviceBlockers[Self.vf.address] == nil)
    }
}
