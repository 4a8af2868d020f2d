import Testing
@testable import TrackerCore

/// The memory libvirt domains and kubelet pods are given on a node is taken
/// out of that cell as Nova counts an instance's cell memory, so restrack
/// does not promise it again. Host: `ForeignOwnerDerivationTests.host`, one
/// cell of 16,384 MiB with 1,024 2 MiB pages.
@Suite struct ForeignMemoryTests {
    typealias Base = ForeignOwnerDerivationTests

    static func vm(_ mb: Int, state: HolderState = .running, pages: Int = 0) -> Holder {
        var h = Base.domain(state: state, pages: pages)
        h.memoryMBPerNode = [0: mb]
        return h
    }

    /// Pinned guests are not overcommitted: room is memory − usage.
    static let pinned8G = Request(vcpus: 1, memoryMB: 8192, cpuPolicy: .dedicated)

    @Test func aDomainsMemoryIsTakenOutOfItsCell() throws {
        #expect(Base.derive([]).effective.cells[0].memoryUsageMB == 0)
        let state = Base.derive([Self.vm(6144)])
        #expect(state.effective.cells[0].memoryUsageMB == 6144)
        // Pinned guests take free small pages: 8192 MiB of them less the
        // domain's 6144 = 2048 left, so 4 GiB does not fit and 2 GiB does.
        let view = try #require(state.live)
        let refused = LiveFit.fit(Request(vcpus: 1, memoryMB: 4096, cpuPolicy: .dedicated), view: view)
        #expect(!refused.fits)
        #expect(refused.reason?.hasPrefix("6144 MiB of node 0's memory is given to libvirt domain instance-0000001c "
            + "(uuid \(Base.uuid)); ") == true, "\(refused.reason ?? "")")
        #expect(LiveFit.fit(Request(vcpus: 1, memoryMB: 2048, cpuPolicy: .dedicated), view: view).fits)
        // Without the domain the whole 8 GiB fits.
        #expect(LiveFit.fit(Self.pinned8G, view: try #require(Base.derive([]).live)).fits)
    }

    @Test func sharedGuestsMeetTheDomainsMemoryInTheRatioLimit() throws {
        // Shared guests: 16384 MiB × ratio 1.0 less the domain's 12288 = 4096.
        let view = try #require(Base.derive([Self.vm(12288, pages: 0)]).live)
        // (Its 12288 MiB in small pages overfill the 8 GiB small pool; shared
        // guests are checked against the pool's total, not its free pages.)
        #expect(!LiveFit.fit(Request(vcpus: 1, memoryMB: 6144), view: view).fits)
        #expect(LiveFit.fit(Request(vcpus: 1, memoryMB: 4096), view: view).fits)
        #expect(LiveFit.fit(Request(vcpus: 1, memoryMB: 6144), view: try #require(Base.derive([]).live)).fits)
    }

    @Test func smallPageMemoryIsAlsoTakenOutOfTheSmallestPool() {
        let state = Base.derive([Self.vm(3072)])
        // 3072 MiB = 786,432 pages of 4 KiB.
        #expect(state.effective.cells[0].mempages[0].used == 786_432)
        // A hugepage-backed guest leaves the small pool alone.
        #expect(Base.derive([Self.vm(2048, pages: 1024)], free: 1024).effective.cells[0].mempages[0].used == 0)
    }

    @Test func aHugepageDomainsMemoryCountsOnceAsNovaCountsIt() {
        // 2 GiB backed by 1,024 2 MiB pages: its cell memory is 2048, not 4096.
        let state = Base.derive([Self.vm(2048, pages: 1024)], free: 1024)
        #expect(state.effective.cells[0].memoryUsageMB == 2048)
        #expect(state.effective.cells[0].mempages[1].available == 0)
    }

    @Test func aPodsMemoryAndHugepagesBothCount() {
        var pod = Base.pod("ab")
        pod.memoryMBPerNode = [0: 1024]
        pod.pages = [HeldPages(node: 0, sizeKB: 2048, count: 256)]
        // 1024 MiB of memory + 256 × 2 MiB of hugepages.
        #expect(Base.derive([pod]).effective.cells[0].memoryUsageMB == 1024 + 512)
        #expect(pod.smallPageMemoryMB(onNode: 0) == 1024)
        #expect(Self.vm(2048, pages: 1024).smallPageMemoryMB(onNode: 0) == 0)
    }

    @Test func aShutOffDomainsMemoryCountsOnlyWithCountDefined() {
        let defined = Self.vm(4096, state: .defined)
        #expect(Base.derive([defined]).effective.cells[0].memoryUsageMB == 0)
        #expect(Base.derive([defined], countDefined: true).effective.cells[0].memoryUsageMB == 4096)
        // A stale domain's state still promises it.
        #expect(Base.derive([Self.vm(4096, state: .stale)]).effective.cells[0].memoryUsageMB == 4096)
    }

    @Test func hostileSizesAreBoundedNotOverflowed() throws {
        var pod = Base.pod("ab")
        pod.memoryMBPerNode = [0: Int.max]
        pod.pages = [HeldPages(node: 0, sizeKB: Int.max, count: Int.max)]
        let state = Base.derive([pod, Self.vm(Int.max)])
        #expect(state.effective.cells[0].memoryUsageMB == ContractLimits.maxCount)
        #expect(!LiveFit.fit(Request(vcpus: 1, memoryMB: 1), view: try #require(state.live)).fits)
    }
}
