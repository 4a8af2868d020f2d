import Foundation
import Testing
import HostProbes
import TrackerCore

/// The observer asks libvirt's and the kubelet's readers on every poll and
/// carries what they say (holders, findings, what could not be read) and
/// `--count-defined` into the observations the derivation judges.
@Suite struct HostObserverForeignTests {
    /// Counts its reads: the same reader must serve every poll.
    final class Reader: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        let reading: ForeignReading

        init(_ reading: ForeignReading) { self.reading = reading }

        var reads: Int { lock.withLock { count } }

        func read(_ snapshot: HostSnapshot) -> ForeignReading {
            lock.withLock { count += 1 }
            return reading
        }
    }

    @Test func bothReadersAreAskedEachPollAndWhatTheySayIsCarried() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("observer-foreign-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let vm = Holder(kind: .libvirt, id: "libvirt:u", name: "vm", cpus: [1],
                        foreign: ForeignDetail(uuid: "u", state: .running))
        let pod = Holder(kind: .kubelet, id: "kubelet:p", name: "p", cpus: [2], foreign: ForeignDetail(state: .stale, podUID: "p"))
        let stale = Finding(kind: .stale, resource: "CPU 2", holders: ["kubelet:p"], message: "pod p is gone")
        let libvirt = Reader(ForeignReading(holders: [vm], notVisible: ["libvirt state not readable as this user"]))
        let kubelet = Reader(ForeignReading(holders: [pod], findings: [stale]))
        let observer = HostObserver(root: root.path, foreign: [{ libvirt.read($0) }, { kubelet.read($0) }])
        let host = HostSnapshot(hostname: "t", cells: [NUMACell(id: 0, cpus: [0], pcpus: [1, 2], memoryMB: 1024)])
        let first = observer.observe(snapshot: host, claims: [], now: 1, deviceSpecConfigured: false)
        #expect(first.holders.filter(\.isForeign) == [vm, pod])
        #expect(first.findings == [stale])
        #expect(first.notVisible.contains("libvirt state not readable as this user"))
        #expect(!first.countDefined)
        let second = observer.observe(snapshot: host, claims: [], now: 2, deviceSpecConfigured: false, countDefined: true)
        #expect(second.countDefined)
        #expect(libvirt.reads == 2 && kubelet.reads == 2)
    }
}
