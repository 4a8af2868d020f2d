import Testing
@testable import TrackerCore

/// One CPU or device held by two owners among libvirt domains, kubelet pods
/// and restrack claims, and a VF held while another owner holds its PF
/// whole: each a conflict naming both owners and the resource.
@Suite struct ForeignConflictTests {
    typealias F = ForeignOwnerDerivationTests
    static let pf = "0000:3b:00.0", vf0 = "0000:3b:02.0", vf1 = "0000:3b:02.1"
    static let uuidB = "9e1b2c3d-0000-4000-8000-00000000000b"

    static func host() -> HostSnapshot {
        var h = F.host()
        h.pciDevices = [
            PCIDevice(address: pf, vendorID: "8086", productID: "37d2", devType: .pf, numaNode: 0),
            PCIDevice(address: vf0, vendorID: "8086", productID: "37cd", devType: .vf, numaNode: 0, parentAddr: pf),
            PCIDevice(address: vf1, vendorID: "8086", productID: "37cd", devType: .vf, numaNode: 0, parentAddr: pf),
        ]
        return h
    }

    static func derive(_ holders: [Holder], claims: [Claim] = []) -> HostState {
        ClaimStateDerivation.derive(snapshot: host(), claims: claims, observations: Observations(now: 200, holders: holders))
    }

    static func conflicts(_ state: HostState) -> [Finding] { state.findings.filter { $0.kind == .conflict } }

    /// A claim of `request` for a consumer with no owner pid, made on `host()`.
    static func claim(_ request: Request) throws -> Claim {
        try Tracker.claim(id: "c1", consumer: Consumer(name: "batch"), request: request,
                          decision: Fitter.fit(request, on: host()), on: host(), at: 100, ttlSeconds: 600, note: nil,
                          confirmed: true)
    }

    @Test func aCleanHostOfDomainsAndPodsHasNoConflict() {
        let state = Self.derive([F.domain(cpus: [1, 2], devices: [Self.vf0]),
                                 F.domain("instance-0000001d", uuid: Self.uuidB, pid: 5000, cpus: [3]),
                                 F.pod("ab-12", cpus: [4, 5], devices: [Self.vf1])])
        #expect(Self.conflicts(state).isEmpty)
        #expect(state.findings.isEmpty)
    }

    @Test func aCPUOfADomainAndAPodIsAConflictNamingBoth() throws {
        let state = Self.derive([F.domain(cpus: [1, 2]), F.pod("ab-12", name: "web-0", cpus: [2, 3])])
        let c = try #require(Self.conflicts(state).first)
        #expect(Self.conflicts(state).count == 1)
        #expect(c.resource == "CPU 2")
        #expect(c.holders == ["libvirt:\(F.uuid)", "kubelet:ab-12"])
        #expect(c.message.hasPrefix("CPU 2 is held by libvirt domain instance-0000001c (uuid \(F.uuid)) and also by "
            + "kubelet pod web-0 (uid ab-12): two owners; "))
        #expect(c.message.contains("virsh vcpupin") && c.message.contains("restrack does not edit"))
    }

    @Test func twoDomainsOnOneCPUAndTwoPodsOnOneVFAreConflicts() {
        let vms = Self.derive([F.domain(cpus: [1, 2]), F.domain("instance-0000001d", uuid: Self.uuidB, pid: 5000, cpus: [2])])
        #expect(Self.conflicts(vms).map(\.resource) == ["CPU 2"])
        #expect(Self.conflicts(vms).first?.message.contains("instance-0000001d (uuid \(Self.uuidB))") == true)
        let pods = Self.derive([F.pod("a-1", name: "a", devices: [Self.vf0]), F.pod("b-2", name: "b", devices: [Self.vf0])])
        #expect(Self.conflicts(pods).map(\.resource) == ["PCI \(Self.vf0)"])
        #expect(Self.conflicts(pods).first?.holders == ["kubelet:a-1", "kubelet:b-2"])
    }

    @Test func aClaimsCPUPinnedByADomainIsAConflict() throws {
        let claim = try Self.claim(F.oneDedicated)
        let cpu = try #require(claim.usage.pinnedCPUs.min())
        let state = Self.derive([F.domain(cpus: [cpu])], claims: [claim])
        let c = try #require(Self.conflicts(state).first)
        #expect(c.holders == ["c1", "libvirt:\(F.uuid)"])
        #expect(c.message.hasPrefix("CPU \(cpu) is held by claim c1 (batch) and also pinned by libvirt domain "
            + "instance-0000001c (uuid \(F.uuid)): two owners; re-pin or move"))
        #expect(state.conflicts(of: "c1") == [c])
    }

    @Test func aClaimsVFInAPodIsAConflictNamingThePod() throws {
        var host = Self.host()
        host.pciAliases = [PCIAlias(name: "vf", vendorID: "8086", productID: "37cd", deviceType: .vf)]
        let request = Request(vcpus: 1, memoryMB: 256, pciRequests: [PCIRequestSpec(alias: "vf", count: 1)])
        let decision = Fitter.fit(request, on: host)
        #expect(decision.fits)
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "batch"), request: request, decision: decision,
                                      on: host, at: 100, ttlSeconds: 600, note: nil, confirmed: true)
        let vf = try #require(claim.usage.pciDevices.first)
        let state = Self.derive([F.pod("ab-12", name: "web-0", devices: [vf])], claims: [claim])
        let c = try #require(Self.conflicts(state).first { $0.resource == "PCI \(vf)" })
        #expect(c.holders == ["c1", "kubelet:ab-12"])
        #expect(c.message.contains("held by claim c1 (batch) but held by kubelet pod web-0 (uid ab-12)"))
    }

    @Test func aVFOfAPFAnotherOwnerHoldsWholeIsAConflict() throws {
        let state = Self.derive([F.domain(devices: [Self.pf]), F.pod("ab-12", name: "web-0", devices: [Self.vf1])])
        let c = try #require(Self.conflicts(state).first)
        #expect(Self.conflicts(state).count == 1)
        #expect(c.resource == "PCI \(Self.vf1)")
        #expect(c.holders == ["kubelet:ab-12", "libvirt:\(F.uuid)"])
        #expect(c.message.hasPrefix("PCI \(Self.vf1) is a VF held by kubelet pod web-0 (uid ab-12) while its PF "
            + "\(Self.pf) is held whole by libvirt domain instance-0000001c"))
        // Neither the PF nor its VFs can be claimed.
        #expect(Set(state.deviceBlockers.keys) == [Self.pf, Self.vf0, Self.vf1])
    }

    @Test func aShutOffDomainConflictsWithNothingUnlessCounted() {
        let holders = [F.domain(state: .defined, cpus: [2]), F.pod("ab-12", cpus: [2])]
        #expect(Self.conflicts(Self.derive(holders)).isEmpty)
        var seen = Observations(now: 200, holders: holders)
        seen.countDefined = true
        let counted = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [], observations: seen)
        #expect(Self.conflicts(counted).map(\.resource) == ["CPU 2"])
    }
}
