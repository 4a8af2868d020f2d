import Dashboard
import Testing
import TrackerCore

/// libvirt domains and kubelet pods on screen, from a state the derivation
/// builds out of hand-made holders on the small host (shared 0-1,
/// dedicated 2-7, PF 3b:00.0 with VFs 3b:01.0 and 3b:01.1):
/// - domain instance-0000001c (running, pid 4121) pins vCPU 0 → 2 and
///   vCPU 1 → 3, but vCPU 1's thread may run on 3 and 7; holds VF 3b:01.0;
/// - pod web-0 (stale) holds CPUs 3-4: CPU 3 is a conflict with the domain;
/// - domain instance-0000001d is shut off, pinned to 6, and holds nothing.
@Suite struct ForeignOwnerScreenTests {
    static let uuid = "5c6a8a4e-1f0e-4c1b-9d55-0b7f3c2d9e11"

    static func model() -> DashboardModel {
        let host = Fixtures.smallHost()
        let vm = Holder(kind: .libvirt, id: "libvirt:\(uuid)", name: "instance-0000001c", pid: 4121, cpus: [2, 3],
                        pciDevices: ["0000:3b:01.0"], memoryMBPerNode: [0: 4096],
                        foreign: ForeignDetail(uuid: uuid, state: .running, vcpuPins: [0: [2], 1: [3]],
                                               appliedPins: [0: [2], 1: [3, 7]], vcpuThreads: [0: 4130, 1: 4131],
                                               novaFlavor: "m1.pinned"))
        let pod = Holder(kind: .kubelet, id: "kubelet:ab-12", name: "web-0", cpus: [3, 4],
                         foreign: ForeignDetail(state: .stale, podUID: "ab-12", containers: ["app": [3, 4], "sidecar": []]))
        let off = Holder(kind: .libvirt, id: "libvirt:off", name: "instance-0000001d", cpus: [6],
                         foreign: ForeignDetail(uuid: "off", state: .defined))
        var m = Fixtures.model(host)
        m.host = ClaimStateDerivation.derive(snapshot: host, claims: [],
                                             observations: Observations(now: Fixtures.now, holders: [vm, pod, off]))
        return m
    }

    @Test func holdersAreGroupedByOwnerKindWithStateMemoryAndTheConflict() throws {
        var m = Self.model()
        m.focus = .holders
        m.holdersShown = true
        // 240 columns: the claims pane is 120 wide, room for every column.
        let r = try #require(Layout(width: 240, height: 60)).claims
        let lines = LiveFixtures.lines(Fixtures.render(m, 240, 60), r)
        #expect(lines[0].hasPrefix("KIND     PID     NAME           STATE    CPUS        MEM     PAGES      DEVS       NOTE"),
                "\(lines[0])")
        // Domains (by id: libvirt:5c6a… before libvirt:off), then the pod.
        #expect(lines[1] == "libvirt  4121    instance-0000… running  2-3         4.0G    -          3b:01.0    CONFLICT",
                "\(lines[1])")
        #expect(lines[2] == "libvirt  -       instance-0000… defined  6           -       -          -", "\(lines[2])")
        #expect(lines[3] == "kubelet  -       web-0          stale    3-4         -       -          -          CONFLICT",
                "\(lines[3])")
        // 160 columns: the state outranks pages, devices and memory.
        let narrow = LiveFixtures.lines(Fixtures.render(m, 160, 50), try #require(Layout(width: 160, height: 50)).claims)
        #expect(narrow[0].hasPrefix("KIND     PID     NAME           STATE    CPUS        PAGES      NOTE"), "\(narrow[0])")
        // Without a foreign owner the columns do not appear (LiveTruthScreenTests keeps that layout).
        var plain = LiveFixtures.model()
        plain.focus = .holders
        plain.holdersShown = true
        #expect(!LiveFixtures.lines(Fixtures.render(plain, 240, 60), r)[0].contains("STATE"))
    }

    @Test func enterOnADomainShowsItsPinsBesideWhereItsThreadsRun() throws {
        let host = try #require(Self.model().host)
        let lines = HolderDetail.lines(id: "libvirt:\(Self.uuid)", host: host)
        #expect(lines.contains { $0.0 == "uuid" && $0.1 == Self.uuid })
        #expect(lines.contains { $0.0 == "state" && $0.1 == "running" })
        #expect(lines.contains { $0.0 == "nova" && $0.1 == "flavor m1.pinned" })
        let pins = lines.filter { $0.0 == "pin" }
        #expect(pins.map(\.1) == ["vCPU 0 → 2 · thread 4130 · runs on 2",
                                  "vCPU 1 → 3 · thread 4131 · runs on 3,7 (outside its pin)"])
        #expect(pins.map(\.2) == [.value, .danger])
        // The pod: its containers, and its stale state loud.
        let pod = HolderDetail.lines(id: "kubelet:ab-12", host: host)
        #expect(pod.filter { $0.0 == "container" }.map(\.1) == ["app → 3-4", "sidecar → shared pool"])
        #expect(pod.contains { $0.0 == "state" && $0.1.hasPrefix("stale") && $0.2 == .danger })
        #expect(pod.contains { $0.0 == "CONFLICT" && $0.1.contains("instance-0000001c") })
    }

    @Test func theCPUMapNamesTheOwningVMAndDrawsTheSharedCPUAsAConflict() throws {
        var m = Self.model()
        m.focus = .cpus
        let r = try #require(Layout(width: 160, height: 50)).cpus
        m.cpuIndex = 2
        let lines = LiveFixtures.lines(Fixtures.render(m, 160, 50), r)
        // 0-1 shared, 2 held by the VM, 3 VM ∩ pod, 4 held by the pod, 5-7 free
        // (6 is the shut-off domain's, not counted).
        #expect(lines[0] == "c0 ·· ▣◆ ▣□ □□", "\(lines[0])")
        // The info line wraps over the legend: read both lines.
        let info = lines.suffix(2).joined(separator: " ")
        #expect(info.hasPrefix("CPU 2 · pinned by libvirt domain instance-0000001c (uuid \(Self.uuid)), no claim"), "\(info)")
        m.cpuIndex = 3
        let clash = LiveFixtures.lines(Fixtures.render(m, 160, 50), r)
        let both = clash.suffix(2).joined(separator: " ")
        #expect(both.hasPrefix("CPU 3 · CONFLICT: libvirt domain instance-0000001c (uuid \(Self.uuid)) "
            + "and kubelet pod web-0 (uid ab-12)"), "\(both)")
    }

    @Test func aShutOffDomainsPagesAreNotCountedAsHeldOnTheCellsPane() {
        let host = Fixtures.smallHost()
        let off = Holder(kind: .libvirt, id: "libvirt:off", name: "instance-0000001d",
                         pages: [HeldPages(node: 0, sizeKB: 2048, count: 300)], foreign: ForeignDetail(uuid: "off", state: .defined))
        var seen = Observations(now: Fixtures.now, holders: [off])
        let plain = ClaimStateDerivation.derive(snapshot: host, claims: [], observations: seen)
        #expect(LiveFigures.pagesOutside(plain, node: 0, sizeKB: 2048) == 0)
        seen.countDefined = true
        let counted = ClaimStateDerivation.derive(snapshot: host, claims: [], observations: seen)
        #expect(LiveFigures.pagesOutside(counted, node: 0, sizeKB: 2048) == 300)
    }

    @Test func thePCITreeNamesTheVMOfAVF() throws {
        let lines = LiveFixtures.lines(Fixtures.render(Self.model(), 160, 50), try #require(Layout(width: 160, height: 50)).pci)
        let vf0 = lines.first { $0.contains("0000:3b:01.0") } ?? ""
        #expect(vf0.hasSuffix("vm instance-0000001c"), "\(vf0)")
    }
}
