import Dashboard
import TrackerCore

/// The small host with what the `core` helper's derivation fills in
/// (holders, findings, blocked devices, CPU holders, load), built by hand so
/// each expected figure can be worked out from here:
/// - claim c1 (vm-a, confirmed) pins CPUs 2-3 and 100 2M pages (200 MiB);
/// - pid 4121 (qemu-kvm) is pinned to CPU 7 and holds VF 0000:3b:01.1's
///   VFIO group; no claim explains it;
/// - pid 512 (dpdk-fwd) is pinned to CPU 3 too: a conflict with c1;
/// - the kernel shows 200 of 1,024 2M pages free: 824 in use, 724 of them
///   by no claim (the `outside` holder); all four 1G pages free;
/// - the PF backs the host (its interface is up);
/// - load per CPU 5, 12, 87, 100, 0, 33.3, 50, 99.5 %; host 48 %;
///   node 0 memory 3,277 of 16,384 MiB used.
enum LiveFixtures {
    static let qemu = Holder(kind: .kernel, id: "pid:4121", name: "qemu-kvm", pid: 4121, comm: "qemu-kvm",
                             cgroup: "/machine.slice/machine-qemu-7.scope", cpus: [7], pciDevices: ["0000:3b:01.1"],
                             memoryMBPerNode: [0: 2048])
    static let dpdk = Holder(kind: .kernel, id: "pid:512", name: "dpdk-fwd", pid: 512, comm: "dpdk-fwd", cpus: [3])
    static let outside = Holder(kind: .kernel, id: "outside", name: "outside", pages: [HeldPages(node: 0, sizeKB: 2048, count: 724)])
    static let hostNIC = Holder(kind: .host, id: "host:0000:3b:00.0", name: "NIC ens1f0 is up", pciDevices: ["0000:3b:00.0"])
    static let c1Holder = Holder(kind: .restrack, id: "c1", name: "vm-a", cpus: [2, 3],
                                 pages: [HeldPages(node: 0, sizeKB: 2048, count: 100)])

    static let conflictMessage = "CPU 3 of claim c1 is also pinned by pid 512 (dpdk-fwd): stop it or release the claim"

    static func host() -> HostSnapshot {
        var h = Fixtures.smallHost()
        h.cells[0].mempages[1].free = 200
        h.cells[0].mempages[1].surplus = 0
        h.cells[0].mempages[2].free = 4
        h.pciDevices[0].driver = "ice"
        h.pciDevices[1].driver = "iavf"
        h.pciDevices[2].driver = "vfio-pci"
        return h
    }

    static func c1() -> Claim {
        Fixtures.claim("c1", consumer: "vm-a", cpus: [2, 3], age: 30, state: .confirmed, pageKB: 2048, memoryMB: 200)
    }

    /// The state with the live fields set; `extra` claims are added after c1.
    static func model(extra: [Claim] = []) -> DashboardModel {
        var m = Fixtures.model(host(), claims: [c1()] + extra)
        m.host?.holders = [c1Holder, qemu, dpdk, outside, hostNIC]
        m.host?.cpuHolders = [7: qemu, 3: dpdk]
        m.host?.findings = [
            Finding(kind: .conflict, resource: "CPU 3", holders: ["c1", "pid:512"], message: conflictMessage),
            Finding(kind: .outsideUse, resource: "CPU 7", holders: ["pid:4121"],
                    message: "CPU 7 is pinned by pid 4121 (qemu-kvm), not by a restrack claim"),
            Finding(kind: .outsideUse, resource: "2M pages on node 0", holders: ["outside"],
                    message: "724 2M pages on node 0 are in use and no confirmed claim explains them"),
        ]
        m.host?.deviceBlockers = ["0000:3b:00.0": "bound to ice: interface ens1f0 is up",
                                  "0000:3b:01.1": "held open by pid 4121 (qemu-kvm)"]
        m.host?.utilisation = Utilisation(cpuBusyPct: [0: 5, 1: 12, 2: 87, 3: 100, 4: 0, 5: 33.3, 6: 50, 7: 99.5],
                                          hostBusyPct: 48,
                                          nodeMemory: [0: NodeMemory(totalMB: 16384, freeMB: 13107, usedMB: 3277)])
        return m
    }

    /// Lines of `rect`'s inside as drawn.
    static func lines(_ c: Canvas, _ r: Rect) -> [String] {
        c.text(in: r.inner).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
