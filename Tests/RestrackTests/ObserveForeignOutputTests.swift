import Foundation
import Testing
import TrackerCore
@testable import restrack

/// `observe` with foreign owners: the JSON carries their fields flat under
/// the names the issue promises, the text groups holders by owner kind, and
/// `list` shows findings that name no claim.
@Suite struct ObserveForeignOutputTests {
    static let uuid = "5c6a8a4e-1f0e-4c1b-9d55-0b7f3c2d9e11"

    static func state() -> HostState {
        let host = HostSnapshot(hostname: "t", cells: [NUMACell(id: 0, cpus: [0], pcpus: [1, 2, 3, 4], memoryMB: 4096)])
        let vm = Holder(kind: .libvirt, id: "libvirt:\(uuid)", name: "instance-0000001c", pid: 4121, cpus: [1, 2],
                        foreign: ForeignDetail(uuid: uuid, state: .running, vcpuPins: [0: [1], 1: [2], 2: [0]],
                                               emulatorCPUs: [0], floatingCPUs: [0]))
        let pod = Holder(kind: .kubelet, id: "kubelet:ab-12", name: "web-0", cpus: [2, 3],
                         foreign: ForeignDetail(state: .stale, podUID: "ab-12", containers: ["app": [2, 3]]))
        let sleeper = Holder(kind: .kernel, id: "pid:77", name: "sleep", pid: 77, comm: "sleep", cpus: [4])
        let stale = Finding(kind: .stale, resource: "CPUs 2-3", holders: ["kubelet:ab-12"],
                            message: "kubelet pod ab-12 is gone but cpu_manager_state still gives it CPUs 2-3")
        var seen = Observations(now: 0, holders: [sleeper, vm, pod])
        seen.findings = [stale]
        return ClaimStateDerivation.derive(snapshot: host, claims: [], observations: seen)
    }

    @Test func theJSONCarriesTheForeignFieldsFlat() throws {
        let text = ContractJSON.encode(ObserveView(state: Self.state(), interval: 0.5))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let holders = try #require(root["holders"] as? [[String: Any]])
        let vm = try #require(holders.first { $0["kind"] as? String == "libvirt" })
        #expect(vm["uuid"] as? String == Self.uuid)
        #expect(vm["name"] as? String == "instance-0000001c")
        #expect(vm["state"] as? String == "running")
        #expect(vm["cpus"] as? [Int] == [1, 2])
        #expect(vm["vcpu_pins"] as? [String: [Int]] == ["0": [1], "1": [2], "2": [0]])
        #expect(vm["emulator_cpus"] as? [Int] == [0])
        #expect(vm["floating_cpus"] as? [Int] == [0])
        let pod = try #require(holders.first { $0["kind"] as? String == "kubelet" })
        #expect(pod["pod_uid"] as? String == "ab-12")
        #expect(pod["state"] as? String == "stale")
        #expect(pod["containers"] as? [String: [Int]] == ["app": [2, 3]])
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["kind"] as? String == "stale" })
        // CPU 2 is held by both: a conflict naming them.
        #expect(findings.contains { $0["kind"] as? String == "conflict" && $0["resource"] as? String == "CPU 2" })
    }

    @Test func theTextGroupsHoldersByOwnerKind() throws {
        let lines = ObserveText.lines(ObserveView(state: Self.state(), interval: 0.5))
        let start = try #require(lines.firstIndex(of: "HOLDERS"))
        #expect(Array(lines[(start + 1)...(start + 6)]) == [
            "libvirt (1)",
            "  libvirt:\(Self.uuid) (instance-0000001c) running uuid \(Self.uuid) pid 4121 cpus 1-2 floating 0 emulator 0",
            "kubelet (1)",
            "  kubelet:ab-12 (web-0) stale pod uid ab-12 cpus 2-3",
            "kernel (1)",
            "  pid:77 (sleep) pid 77 cpus 4",
        ])
    }

    @Test func aPodNamedByItsUIDIsNotNamedTwice() {
        let pod = Holder(kind: .kubelet, id: "kubelet:ab-12", name: "ab-12", cpus: [3],
                         foreign: ForeignDetail(state: .running, podUID: "ab-12"))
        #expect(ObserveText.holderLine(pod) == "kubelet:ab-12 (ab-12) running cpus 3")
    }

    @Test func listShowsFindingsThatNameNoClaim() {
        let shown = ListCommand.hostFindings(Self.state()).map(\.kind)
        #expect(shown.contains(.stale) && shown.contains(.conflict))
        // The sleeper's outside use is check's business, not list's.
        #expect(!shown.contains(.outsideUse))
    }
}
