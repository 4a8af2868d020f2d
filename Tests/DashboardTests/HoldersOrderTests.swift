@testable import Dashboard
import Testing
import TrackerCore

/// The Holders view's order (kind, then ids with numbers by value) and its
/// count, which the scroll and the selection use without sorting.
struct HoldersOrderTests {
    static func model(_ holders: [Holder], filter: String = "") -> DashboardModel {
        let host = Fixtures.smallHost()
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [],
                                                observations: Observations(now: Fixtures.now, holders: holders))
        var m = Fixtures.model(host)
        m.host = state
        m.filter = filter
        return m
    }

    static func kernel(_ id: String, comm: String = "x") -> Holder {
        Holder(kind: .kernel, id: id, name: id, pid: 1, comm: comm, cpus: [2])
    }

    @Test func idsSortByTheValueOfTheirNumbers() {
        // Shuffled on purpose; the expected order, worked out by hand:
        // "cg:a" sorts before "pid:"; 9 < 10; "077" and "77" have one
        // value, so as text "077" first; "pid:77" is a prefix of "pid:77:2".
        let ids = ["pid:77:2", "pid:4121", "cg:a10", "pid:77", "pid:8", "cg:a9", "pid:077"]
        let m = Self.model(ids.map { Self.kernel($0) })
        let shown = HoldersPane.visible(m).map(\.id).filter { ids.contains($0) }
        #expect(shown == ["cg:a9", "cg:a10", "pid:8", "pid:077", "pid:77", "pid:77:2", "pid:4121"])
    }

    @Test func kindComesBeforeId() {
        let host = Holder(kind: .host, id: "a:1", name: "disk", cpus: [])
        let m = Self.model([Self.kernel("z:1"), host])
        let order = HoldersPane.visible(m).map(\.id).filter { ["a:1", "z:1"].contains($0) }
        // HolderKind.displayOrder puts kernel holders before host ones.
        #expect(order == ["z:1", "a:1"])
    }

    @Test func countMatchesTheListWithAndWithoutAFilter() {
        let holders = [Self.kernel("pid:1", comm: "qemu-kvm"), Self.kernel("pid:2", comm: "dpdk"), Self.kernel("pid:3", comm: "qemu-img")]
        for f in ["", "qemu", "dpdk", "nothing-matches"] {
            let m = Self.model(holders, filter: f)
            #expect(HoldersPane.visibleCount(m) == HoldersPane.visible(m).count, "filter '\(f)'")
        }
        #expect(HoldersPane.visibleCount(Self.model(holders, filter: "qemu")) == 2)
    }
}
