import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A cgroup narrowed where the cpuset controller stops: its children have
/// no cpuset files of their own, so every task below runs on its CPUs.
@Suite struct CgroupNarrowedSliceTests {
    /// `systemctl set-property user.slice AllowedCPUs=5`: user.slice is
    /// narrowed, its children (no cpuset controller) have no cpuset files.
    @Test func aNarrowedSliceWhoseChildrenHaveNoCpusetHoldsItsCPUs() throws {
        let f = try TaskRootFixture(online: "0-7")
        defer { f.remove() }
        try f.cgroup("/", effective: "0-7")
        try f.cgroup("/user.slice", effective: "5")
        try f.mkdir("sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope")
        try f.process(600, comm: "burn", threads: [(600, "5")], cgroup: "/user.slice/user-1000.slice/session-1.scope")
        let scan = TaskScanner(root: f.root)
            .scan(snapshot: TaskRootFixture.snapshot(shared: [0, 1], dedicated: [2, 3, 4, 5, 6, 7]))
        let slice = try #require(scan.holders.first { $0.id == "cgroup:/user.slice" })
        #expect(slice.cpus == [5])
        #expect(slice.cgroup == "/user.slice")
        #expect(slice.kind == .kernel)
        #expect(!scan.holders.contains { $0.cgroup?.hasPrefix("/user.slice/") == true && $0.pid == nil })
    }

    /// The narrowing is explained by a child with its own cpuset: the
    /// child is reported, not the slice above it.
    @Test func aSliceWhoseChildHasItsOwnCpusetIsNotReportedItself() throws {
        let f = try TaskRootFixture(online: "0-7")
        defer { f.remove() }
        try f.cgroup("/", effective: "0-7")
        try f.cgroup("/user.slice", effective: "4-5")
        try f.cgroup("/user.slice/a.scope", effective: "5", threads: [])
        let scan = TaskScanner(root: f.root)
            .scan(snapshot: TaskRootFixture.snapshot(shared: [0, 1], dedicated: [2, 3, 4, 5, 6, 7]))
        #expect(scan.holders.map(\.id) == ["cgroup:/user.slice/a.scope"])
        #expect(scan.holders.first?.cpus == [5])
    }
}
