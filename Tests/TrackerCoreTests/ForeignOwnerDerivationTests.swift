import Foundation
import Testing
@testable import TrackerCore

/// libvirt domains and kubelet pods as holders, from hand-built holders (the
/// probes that read them are tested on their own): what they take out of
/// the host, hugepages they explain, kernel holders shown once under them.
/// Expected numbers are worked out in the comments from the host built here.
@Suite struct ForeignOwnerDerivationTests {
    static let uuid = "5c6a8a4e-1f0e-4c1b-9d55-0b7f3c2d9e11"

    /// One cell: shared CPU 0, dedicated CPUs 1-7, a 4 KiB pool and 1024 2 MiB
    /// pages with the kernel's `free` (nil: not probed).
    static func host(free: Int? = nil) -> HostSnapshot {
        HostSnapshot(hostname: "t", cells: [
            NUMACell(id: 0, cpus: [0], pcpus: [1, 2, 3, 4, 5, 6, 7], memoryMB: 16384,
                     mempages: [PagePool(sizeKB: 4, total: 2_097_152),
                                PagePool(sizeKB: 2048, total: 1024, free: free, surplus: free == nil ? nil : 0)]),
        ])
    }

    static func domain(_ name: String = "instance-0000001c", uuid: String = Self.uuid, state: HolderState = .running,
                       pid: Int32? = 4121, cpus: CPUSet = [], pages: Int = 0, devices: [String] = [],
                       floating: CPUSet? = nil, threads: [Int: Int32]? = nil, cgroup: String? = nil) -> Holder {
        Holder(kind: .libvirt, id: "libvirt:\(uuid)", name: name, pid: state == .defined ? nil : pid, cgroup: cgroup,
               cpus: cpus, pages: pages > 0 ? [HeldPages(node: 0, sizeKB: 2048, count: pages)] : [],
               pciDevices: devices,
               foreign: ForeignDetail(uuid: uuid, state: state, floatingCPUs: floating, vcpuThreads: threads))
    }

    static func pod(_ uid: String, name: String = "web-0", state: HolderState = .running, cpus: CPUSet = [],
                    devices: [String] = []) -> Holder {
        Holder(kind: .kubelet, id: "kubelet:\(uid)", name: name, cpus: cpus, pciDevices: devices,
               foreign: ForeignDetail(state: state, podUID: uid, containers: ["app": cpus]))
    }

    static let oneDedicated = Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated)

    static func pages(_ n: Int) -> Request { Request(vcpus: 1, memoryMB: n * 2, memPageSize: .kib(2048)) }

    static func derive(_ holders: [Holder], free: Int? = nil, claims: [Claim] = [], countDefined: Bool = false,
                       findings: [Finding] = []) -> HostState {
        var seen = Observations(now: 200, holders: holders)
        seen.countDefined = countDefined
        seen.findings = findings
        return ClaimStateDerivation.derive(snapshot: host(free: free), claims: claims, observations: seen)
    }

    // MARK: CPUs

    @Test func aDomainsPinnedCPUsAreTakenOutAndAFitPicksElsewhere() throws {
        let state = Self.derive([Self.domain(cpus: [1, 2, 3, 4, 5, 6])])
        // 1-6 pinned by the domain: CPU 7 is the only dedicated one left.
        #expect(state.effective.cells[0].freePCPUs == [7])
        let decision = LiveFit.fit(Self.oneDedicated, view: try #require(state.live))
        #expect(decision.fits)
        #expect(decision.cells.first?.pinning[0] == 7)
        // A domain's CPUs are its own, not outside use.
        #expect(!state.findings.contains { $0.kind == .outsideUse })
    }

    @Test func aFitRefusedOnlyBecauseOfADomainNamesItWithItsUUID() throws {
        let state = Self.derive([Self.domain(cpus: [1, 2, 3, 4, 5, 6, 7])])
        let decision = LiveFit.fit(Self.oneDedicated, view: try #require(state.live))
        #expect(!decision.fits)
        #expect(decision.reason?.hasPrefix(
            "CPU 1 is pinned by libvirt domain instance-0000001c (uuid \(Self.uuid)), not by a restrack claim; ") == true)
    }

    @Test func floatingCPUsAreNeverTakenOut() {
        // Floating over the shared CPU 0 and, oddly, dedicated 5: both stay free.
        let state = Self.derive([Self.domain(cpus: [1], floating: [0, 5])])
        #expect(state.effective.cells[0].freePCPUs == [2, 3, 4, 5, 6, 7])
        #expect(state.effective.cells[0].cpuUsage == 0)
    }

    @Test func aShutOffDomainIsListedButHoldsNothingUnlessCountDefinedIsAsked() throws {
        let defined = Self.domain(state: .defined, cpus: [1, 2, 3], pages: 100)
        let plain = Self.derive([defined], free: 1024)
        #expect(plain.effective.cells[0].freePCPUs == [1, 2, 3, 4, 5, 6, 7])
        // 1024 pages, none in use, none held: all available.
        #expect(plain.effective.cells[0].mempages[1].available == 1024)
        let listed = try #require(plain.holders.first { $0.kind == .libvirt })
        #expect(listed.foreign?.state == .defined && listed.cpus == [1, 2, 3])
        let counted = Self.derive([defined], free: 1024, countDefined: true)
        #expect(counted.effective.cells[0].freePCPUs == [4, 5, 6, 7])
        // 1024 − the domain's 100 = 924.
        #expect(counted.effective.cells[0].mempages[1].available == 924)
    }

    @Test func aStalePodStillHoldsItsCPUsAndTheProbesFindingPassesThrough() {
        let stale = Finding(kind: .stale, resource: "CPU 2", holders: ["kubelet:ab"],
                            message: "kubelet pod ab is gone but cpu_manager_state still gives it CPU 2")
        let state = Self.derive([Self.pod("ab", state: .stale, cpus: [2])], findings: [stale])
        #expect(!state.effective.cells[0].freePCPUs.contains(2))
        #expect(state.findings.contains(stale))
    }

    // MARK: hugepages

    @Test func pagesTheKernelShowsInUseForADomainAreNotOutsideUse() throws {
        // The domain's 300 pages faulted: 724 free, 300 in use, all explained.
        let state = Self.derive([Self.domain(pages: 300)], free: 724)
        #expect(!state.findings.contains { $0.kind == .outsideUse })
        #expect(!state.holders.contains { $0.id == "outside" })
        #expect(state.effective.cells[0].mempages[1].available == 724)
    }

    @Test func pagesADomainHoldsAreWithheldEvenWhenTheKernelShowsThemFree() {
        // A captured sysfs that does not show them: 1024 free, yet 1024 − 300.
        #expect(Self.derive([Self.domain(pages: 300)], free: 1024).effective.cells[0].mempages[1].available == 724)
        // No kernel count at all: the domain's pages still count.
        #expect(Self.derive([Self.domain(pages: 300)]).effective.cells[0].mempages[1].available == 724)
    }

    @Test func aPageRequestRefusedBecauseOfADomainsPagesNamesTheDomain() throws {
        // 1024 − 900 held by the domain = 124 left: 200 do not fit.
        let state = Self.derive([Self.domain(pages: 900)], free: 1024)
        let decision = LiveFit.fit(Self.pages(200), view: try #require(state.live))
        #expect(!decision.fits)
        #expect(decision.reason?.hasPrefix("900 2M pages on node 0 are held by libvirt domain instance-0000001c "
            + "(uuid \(Self.uuid)); ") == true, "\(decision.reason ?? "")")
        #expect(LiveFit.fit(Self.pages(124), view: try #require(state.live)).fits)
    }

    @Test func theOutsideHolderShrinksByWhatTheDomainExplains() throws {
        // 500 in use, the domain explains 300: 200 outside; free stays 524.
        let state = Self.derive([Self.domain(pages: 300)], free: 524)
        let outside = try #require(state.holders.first { $0.id == "outside" })
        #expect(outside.pages == [HeldPages(node: 0, sizeKB: 2048, count: 200)])
        #expect(state.findings.first { $0.kind == .outsideUse }?.message.hasPrefix("200 of 1024") == true)
        #expect(state.effective.cells[0].mempages[1].available == 524)
    }

    @Test func aConfirmedClaimBesideADomainIsNotHugepageDrift() throws {
        let request = Self.pages(100)
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "c1"), request: request,
                                      decision: Fitter.fit(request, on: Self.host()), on: Self.host(), at: 100,
                                      ttlSeconds: 600, note: nil, confirmed: true)
        // Claim 100 and domain 300 both faulted: 624 free, as the ledger
        // and the domain leave it; 1024 − 100 − 300 = 624 available.
        let state = Self.derive([Self.domain(pages: 300)], free: 624, claims: [claim])
        #expect(!state.drift.contains { $0.kind == .hugepages })
        #expect(state.effective.cells[0].mempages[1].available == 624)
        // The domain's pages not faulted (924 free): still only 624 to give.
        #expect(Self.derive([Self.domain(pages: 300)], free: 924, claims: [claim])
            .effective.cells[0].mempages[1].available == 624)
    }

    // MARK: shown once

    @Test func theDomainsQEMUProcessThreadsAndScopeCgroupsAreFoldedIntoIt() throws {
        let scope = "/machine.slice/machine-qemu\\x2d3\\x2dinstance\\x2d0000001c.scope"
        let kernel = [
            Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121, comm: "qemu-kvm", cpus: [1, 2]),
            Holder(kind: .kernel, id: "pid:4130", name: "CPU 1/KVM", pid: 4130, comm: "CPU 1/KVM", cpus: [2]),
            Holder(kind: .kernel, id: "cgroup:\(scope)/libvirt/vcpu0", name: "vcpu0", cgroup: scope + "/libvirt/vcpu0",
                   cpus: [1]),
            Holder(kind: .kernel, id: "cgroup:/kubepods.slice/kubepods-podab12_cd34.slice/cri-containerd-1.scope",
                   name: "c", cgroup: "/kubepods.slice/kubepods-podab12_cd34.slice/cri-containerd-1.scope", cpus: [3]),
        ]
        let state = Self.derive(kernel + [Self.domain(cpus: [1, 2], threads: [1: 4130]), Self.pod("AB12-cd34", cpus: [3])])
        #expect(state.holders.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.kubelet, .libvirt])
        #expect(state.findings.isEmpty)
        #expect(state.cpuHolders[1]?.kind == .libvirt && state.cpuHolders[3]?.kind == .kubelet)
    }

    @Test func whatAKernelHolderPinsBeyondItsDomainStaysAKernelHolder() throws {
        let state = Self.derive([Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121, comm: "qemu-kvm",
                                        cpus: [1, 5]),
                                 Self.domain(cpus: [1])])
        let rest = try #require(state.holders.first { $0.id == "pid:4121" })
        #expect(rest.cpus == [5])
        #expect(state.findings.first { $0.kind == .outsideUse }?.resource == "CPU 5")
    }

    @Test func aStaleDomainsPidIsNotItsProcess() {
        // The domstatus pid is gone; whoever has the number now is not the domain.
        let state = Self.derive([Holder(kind: .kernel, id: "pid:4121", name: "sleep", pid: 4121, comm: "sleep", cpus: [1]),
                                 Self.domain(state: .stale, cpus: [1])])
        #expect(state.holders.contains { $0.id == "pid:4121" })
    }

    @Test func systemdNamesOfDomainScopesAndPodSlicesAreRead() {
        #expect(ForeignFold.machineName("/machine.slice/machine-qemu\\x2d12\\x2dinstance\\x2d0000001c.scope")
            == "instance-0000001c")
        #expect(ForeignFold.machineName("/system.slice/sshd.scope") == nil)
        #expect(ForeignFold.podUID("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b_3c.slice/x.scope")
            == "1a2b-3c")
        #expect(ForeignFold.podUID("/kubepods/pod1A2B-3c/0123") == "1a2b-3c")
        #expect(ForeignFold.podUID("/system.slice/cron.service") == nil)
    }

    // MARK: a claim of the domain's own QEMU process

    @Test func aDomainWhoseQEMUPidOwnsAClaimIsThatClaimsOwnUseNotAConflict() throws {
        let request = Self.oneDedicated
        let decision = Fitter.fit(request, on: Self.host())
        let claim = try Tracker.claim(id: "c1", consumer: Consumer(name: "vm", pid: 4121, pidStartTime: 7),
                                      request: request, decision: decision, on: Self.host(), at: 100, ttlSeconds: 600,
                                      note: nil, confirmed: true)
        let pinned = claim.usage.pinnedCPUs
        var seen = Observations(now: 200, holders: [Self.domain(cpus: pinned.union([6]))])
        seen.processes[4121] = .alive(startTime: 7)
        let state = ClaimStateDerivation.derive(snapshot: Self.host(), claims: [claim], observations: seen)
        #expect(!state.findings.contains { $0.kind == .conflict })
        // CPU 6 the claim does not explain: the domain holds it.
        #expect(state.cpuHolders[6]?.kind == .libvirt)
        #expect(pinned.allSatisfy { state.cpuHolders[$0] == nil })
        // The domain is still listed whole.
        #expect(state.holders.first { $0.kind == .libvirt }?.cpus == pinned.union([6]))
    }

    // MARK: JSON

    @Test func foreignHoldersEncodeTheirFieldsFlatUnderTheDocumentedNames() throws {
        var domain = Self.domain(cpus: [2, 3], floating: [0])
        domain.foreign?.vcpuPins = [0: [2], 1: [3], 2: [0]]
        domain.foreign?.emulatorCPUs = [0]
        let pod = Self.pod("ab-12", cpus: [4, 5])
        let data = try JSONEncoder().encode([domain, pod])
        let objects = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let vm = objects[0]
        #expect(vm["kind"] as? String == "libvirt")
        #expect(vm["uuid"] as? String == Self.uuid)
        #expect(vm["name"] as? String == "instance-0000001c")
        #expect(vm["state"] as? String == "running")
        #expect(vm["cpus"] as? [Int] == [2, 3])
        #expect(vm["floating_cpus"] as? [Int] == [0])
        #expect(vm["emulator_cpus"] as? [Int] == [0])
        let pins = try #require(vm["vcpu_pins"] as? [String: [Int]])
        #expect(pins == ["0": [2], "1": [3], "2": [0]])
        #expect(vm["foreign"] == nil)
        let p = objects[1]
        #expect(p["pod_uid"] as? String == "ab-12")
        #expect(p["containers"] as? [String: [Int]] == ["app": [4, 5]])
        // And back.
        #expect(try JSONDecoder().decode([Holder].self, from: data) == [domain, pod])
    }
}
