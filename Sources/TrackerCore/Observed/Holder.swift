/// Something that holds host resources: a restrack claim, a process or
/// cgroup the kernel shows pinned, the host itself, or a libvirt
/// domain or a kubelet pod. The JSON names are a contract with scripts and
/// monitoring (`observe --json`): keep them.
public struct Holder: Codable, Hashable, Sendable {
    public var kind: HolderKind
    /// Stable within one observation: the claim id for `restrack`,
    /// `pid:N` for a process, `cgroup:/path` for a cgroup, `outside` for
    /// hugepages in use that nothing explains, `host:ADDRESS` for a device.
    public var id: String
    /// What an operator reads: the claim's consumer, the process's `comm`,
    /// the cgroup's leaf name. Host text: sanitise before drawing.
    public var name: String
    public var pid: Int32?
    public var comm: String?
    /// cgroup v2 path relative to the cgroup root (`/machine.slice/…`).
    public var cgroup: String?
    /// Host CPUs held exclusively (dedicated CPUs this holder is pinned to).
    public var cpus: CPUSet
    public var pages: [HeldPages]
    /// PCI addresses (`0000:3b:00.2`).
    public var pciDevices: [String]
    /// Host node → memory in MiB this holder is given there, as its owner
    /// counts it: a restrack claim's and a kubelet pod's small-page memory
    /// (their hugepages are in `pages`); a libvirt domain's guest RAM per
    /// host node whatever backs it (Nova's per-cell `memory`), so a
    /// hugepage guest's memory shows here and again as its `pages`. A
    /// foreign owner's is taken out of its cells' memory as Nova counts an
    /// instance's (`cellMemoryMB`, `LiveView.foreignMemoryMB`).
    public var memoryMBPerNode: [Int: Int]
    /// What only foreign owners (`libvirt`, `kubelet`) carry: nil for the
    /// kernel, the host and restrack claims, and left out of the JSON then.
    public var foreign: ForeignDetail?

    public init(kind: HolderKind, id: String, name: String, pid: Int32? = nil, comm: String? = nil,
                cgroup: String? = nil, cpus: CPUSet = [], pages: [HeldPages] = [], pciDevices: [String] = [],
                memoryMBPerNode: [Int: Int] = [:], foreign: ForeignDetail? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.pid = pid
        self.comm = comm
        self.cgroup = cgroup
        self.cpus = cpus
        self.pages = pages
        self.pciDevices = pciDevices
        self.memoryMBPerNode = memoryMBPerNode
        self.foreign = foreign
    }

    /// "pid 4121 (qemu-kvm)", "cgroup /machine.slice/x.scope", "claim c-12 (vm-42)", "host",
    /// "libvirt domain instance-0000001c (uuid …)", "kubelet pod web-0 (uid …)":
    /// how a refusal or a finding names this holder.
    public var label: String {
        switch kind {
        case .restrack: return "claim \(id) (\(name))"
        case .host: return "the host"
        case .libvirt: return "libvirt domain \(name)" + (foreign?.uuid.map { " (uuid \($0))" } ?? "")
        case .kubelet:
            guard let uid = foreign?.podUID, uid != name else { return "kubelet pod \(name)" }
            return "kubelet pod \(name) (uid \(uid))"
        case .kernel:
            if let pid { return "pid \(pid) (\(comm ?? name))" }
            if let cgroup { return "cgroup \(cgroup)" }
            return name
        }
    }

    enum CodingKeys: String, CodingKey {
        case kind, id, name, pid, comm, cgroup, cpus, pages
        case pciDevices = "pci_devices", memoryMBPerNode = "memory_mb_per_node"
    }

    /// Foreign owners' fields sit beside the common ones in one flat JSON
    /// object (`uuid`, `state`, `vcpu_pins`, … next to `cpus`), as
    /// `observe --json` promises.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(HolderKind.self, forKey: .kind)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        pid = try c.decodeIfPresent(Int32.self, forKey: .pid)
        comm = try c.decodeIfPresent(String.self, forKey: .comm)
        cgroup = try c.decodeIfPresent(String.self, forKey: .cgroup)
        cpus = try c.decodeIfPresent(CPUSet.self, forKey: .cpus) ?? []
        pages = try c.decodeIfPresent([HeldPages].self, forKey: .pages) ?? []
        pciDevices = try c.decodeIfPresent([String].self, forKey: .pciDevices) ?? []
        memoryMBPerNode = try c.decodeIfPresent([Int: Int].self, forKey: .memoryMBPerNode) ?? [:]
        foreign = kind == .libvirt || kind == .kubelet ? try ForeignDetail(from: decoder) : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(pid, forKey: .pid)
        try c.encodeIfPresent(comm, forKey: .comm)
        try c.encodeIfPresent(cgroup, forKey: .cgroup)
        try c.encode(cpus, forKey: .cpus)
        try c.encode(pages, forKey: .pages)
        try c.encode(pciDevices, forKey: .pciDevices)
        try c.encode(memoryMBPerNode, forKey: .memoryMBPerNode)
        try foreign?.encode(to: encoder)
    }
}
