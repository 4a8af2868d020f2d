import Testing
@testable import TrackerCore

/// Many processes pinned to the same CPUs are one outside-use finding that
/// names a few of them, so `check` stays readable.
@Suite struct OutsideUseGroupingTests {
    @Test func twentySleepsPinnedToOneCPUAreOneFinding() {
        let host = HostSnapshot(hostname: "t", cells: [
            NUMACell(id: 0, cpus: [0], pcpus: [1, 2, 3], memoryMB: 16384, mempages: [PagePool(sizeKB: 4, total: 2_097_152)]),
        ])
        let sleeps = (Int32(10)..<Int32(30)).map {
            Holder(kind: .kernel, id: "pid:\($0)", name: "sleep", pid: $0, comm: "sleep", cpus: [1])
        }
        let other = Holder(kind: .kernel, id: "pid:99", name: "dpdk", pid: 99, comm: "dpdk", cpus: [2, 3])
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [], observations: Observations(now: 0, holders: sleeps + [other]))
        let outside = state.findings.filter { $0.kind == .outsideUse }
        #expect(outside.map(\.resource) == ["CPU 1", "CPUs 2-3"])
        #expect(outside.first?.holders == sleeps.map(\.id))
        #expect(outside.first?.message.hasPrefix(
            "dedicated CPU 1 is pinned by pid 10 (sleep), pid 11 (sleep), pid 12 (sleep) and 17 more, not by a restrack claim") == true)
        #expect(outside.last?.holders == ["pid:99"])
        #expect(outside.last?.message.contains("re-pin or stop that process") == true)
    }
}
