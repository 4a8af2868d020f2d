import TrackerCore

/// One domain's holder and the findings about it, from its parsed files
/// and what `/proc` shows of its QEMU process.
struct LibvirtDomainReading {
    var holder: Holder
    var findings: [Finding] = []
    var notVisible: [String] = []
    /// The running QEMU's pid and its vCPU threads' affinities as read
    /// (`LibvirtLiveness.threadAffinities`).
    var threadAffinities: (pid: Int32, byThread: [Int32: CPUSet])?

    /// `chosen`: the live file of a domstatus when there is one (what QEMU
    /// runs), else the definition; `runFile`: where the domstatus was read.
    /// `hugePages(pid)`: the process's huge pages per node and size
    /// (`LibvirtNumaMaps`), nil when the host does not show them.
    init(chosen: LibvirtStateFile, domstatus: LibvirtDomstatus?, runFile: String?, sources: [String], files: TaskFiles,
         hugePages: (Int32) -> [Int: [Int: Int]]?, scopeExists: (String) -> Bool) {
        let domain = chosen.domain
        let id = "libvirt:\(domain.uuid)"
        let label = "\(domain.name) (\(domain.uuid))"
        let resources = chosen.resources
        var state = HolderState.defined
        var pid: Int32?, comm: String?, applied: [Int: CPUSet]?, threads: [Int: Int32]?, cgroup: String?
        var findings: [Finding] = [], notVisible: [String] = []
        var affinities: (pid: Int32, byThread: [Int32: CPUSet])?

        if let status = domstatus, let runFile {
            let liveness = LibvirtLiveness.check(status, files: files)
            switch liveness.verdict {
            case .gone(let why):
                state = .stale
                findings.append(Finding(
                    kind: .stale, resource: "libvirt domain \(domain.name)", holders: [id],
                    message: "libvirt domain \(label) is recorded running with pid \(status.pid) in \(runFile), but \(why): "
                        + "its CPUs, memory and devices stay promised by libvirt's state. Check with `virsh list --all`; "
                        + "if the guest is gone, `virsh destroy \(domain.name)` or a libvirtd restart clears the record "
                        + "(restrack never edits libvirt state)."))
            case .hidden(let why):
                state = .running
                pid = status.pid
                notVisible.append("libvirt domain \(label): its QEMU process could not be checked (\(why)); shown as running")
            case .alive:
                state = .running
                pid = status.pid
                comm = liveness.comm
                applied = liveness.appliedPins
                threads = status.vcpuThreads
                affinities = (status.pid, liveness.threadAffinities)
                findings += Self.vcpuDrift(domain, status, liveness.appliedPins, id: id, label: label)
                if !resources.pages.isEmpty, let shown = hugePages(status.pid) {
                    findings += Self.pageDrift(resources, shown, pid: status.pid, id: id, label: label)
                }
                if let scope = chosen.machineScope {
                    if scopeExists("sys/fs/cgroup/" + scope) { cgroup = "/" + scope }
                }
            }
        }

        holder = Holder(
            kind: .libvirt, id: id, name: domain.name, pid: pid, comm: comm, cgroup: cgroup,
            cpus: resources.exclusiveCPUs, pages: resources.pages,
            pciDevices: domain.pci.map(\.address).sorted(), memoryMBPerNode: resources.memoryMBPerNode,
            foreign: ForeignDetail(
                uuid: domain.uuid, state: state, vcpuPins: domain.vcpuPins, appliedPins: applied,
                emulatorCPUs: resources.emulatorCPUs, floatingCPUs: resources.floatingCPUs, vcpuThreads: threads,
                novaInstance: domain.nova?.instanceName, novaFlavor: domain.nova?.flavor,
                novaProject: domain.nova?.project, sources: sources.sorted()))
        self.findings = findings
        self.notVisible = notVisible
        threadAffinities = affinities
    }

    /// A vCPU thread allowed on a CPU its `<vcpupin>` does not name.
    static func vcpuDrift(_ d: LibvirtDomain, _ status: LibvirtDomstatus, _ applied: [Int: CPUSet],
                          id: String, label: String) -> [Finding] {
        var out: [Finding] = []
        for (vcpu, pin) in d.vcpuPins.sorted(by: { $0.key < $1.key }) {
            guard let real = applied[vcpu], !real.isSubset(of: pin), let tid = status.vcpuThreads[vcpu] else { continue }
            let pinWords = pin.count == 1 ? "CPU \(pin.cpulist)" : "CPUs \(pin.cpulist)"
            out.append(Finding(
                kind: .drift, resource: pinWords, holders: [id],
                message: "vCPU \(vcpu) of \(label) is pinned to \(pinWords) but its thread \(tid) may run on \(real.cpulist); "
                    + "re-apply the pin with `virsh vcpupin \(d.name) \(vcpu) \(pin.cpulist) --live` "
                    + "(restrack never edits libvirt state)."))
        }
        return out
    }

    /// Huge pages of the guest on a host node its `<numatune>` does not
    /// give them; `shown` is what `proc/PID/numa_maps` says (node → size →
    /// pages).
    static func pageDrift(_ r: LibvirtResources, _ shown: [Int: [Int: Int]], pid: Int32, id: String, label: String) -> [Finding] {
        var out: [Finding] = []
        for (node, sizes) in shown.sorted(by: { $0.key < $1.key }) {
            for (size, count) in sizes.sorted(by: { $0.key < $1.key }) {
                let wanted = r.pages.filter { $0.sizeKB == size }
                guard !wanted.isEmpty, !wanted.contains(where: { $0.node == node }) else { continue }
                let nodes = wanted.map { String($0.node) }.joined(separator: ", ")
                out.append(Finding(
                    kind: .drift, resource: "\(size) KiB pages on node \(node)", holders: [id],
                    message: "\(label) asks for \(size) KiB hugepages on node \(nodes), but proc/\(pid)/numa_maps shows "
                        + "\(count) of its \(size) KiB pages on node \(node); check `numastat -p \(pid)` and the domain's "
                        + "<numatune>, and restart the guest once node \(nodes) has the pages free "
                        + "(restrack never edits libvirt state)."))
            }
        }
        return out
    }
}
