import TrackerCore

/// Turns the three checkpoints' outcomes and the pod cgroups present into
/// holders (one per pod) and findings. Every string from a file is escaped
/// and cut (`KubeletText`) before it reaches a holder or a message.
struct KubeletReadingBuilder {
    static let cpuFile = "var/lib/kubelet/cpu_manager_state"
    static let memoryFile = "var/lib/kubelet/memory_manager_state"
    static let deviceFile = "var/lib/kubelet/device-plugins/kubelet_internal_checkpoint"

    var snapshot: HostSnapshot
    var cgroups: KubeletPodCgroups
    private var pods: [String: KubeletPodHolding] = [:]
    /// v1 CPU manager entries: container id → CPUs, no pod named.
    private var containerIDs: [String: CPUSet] = [:]
    private var cpuVerification: KubeletVerification?
    private var reading = ForeignReading()
    /// file → the checksum problem, reported after the holders are known.
    private var mismatches: [(file: String, field: String, stored: UInt64, computed: UInt32)] = []

    init(snapshot: HostSnapshot, cgroups: KubeletPodCgroups) {
        self.snapshot = snapshot
        self.cgroups = cgroups
    }

    mutating func add(_ outcome: KubeletFileOutcome, file: String) {
        switch outcome {
        case .missing: return
        case .denied:
            let line = "kubelet state not readable as this user (var/lib/kubelet is root's): run restrack as root to see the kubelet's pods"
            if !reading.notVisible.contains(line) { reading.notVisible.append(line) }
        case .refused(let words):
            reading.findings.append(Finding(kind: .invalidFile, resource: file, holders: [],
                                            message: "\(file) \(words); restrack did not read it, so what it assigns is not shown. "
                                                + "The kubelet writes this file itself: find what replaced it"))
        case .invalid(let error):
            reading.findings.append(Finding(kind: .invalidFile, resource: file, holders: [],
                                            message: "\(file): \(error.words); restrack did not read this file, so what it assigns "
                                                + "is not shown. The kubelet writes it itself: an edit, or a copy from another host, "
                                                + "would explain this"))
        case .cpu(let state):
            for (pod, containers) in state.containers {
                mutate(pod, file, state.verification) { $0.containers.merge(containers) { $0.union($1) } }
            }
            for (pod, cpus) in state.pods {
                mutate(pod, file, state.verification) { $0.podCPUs.formUnion(cpus) }
            }
            containerIDs.merge(state.containerIDs) { $0.union($1) }
            cpuVerification = state.verification
            note(state.verification, file: file)
        case .memory(let state):
            for (pod, containers) in state.containers {
                mutate(pod, file, state.verification) { holding in
                    for blocks in containers.values { for b in blocks { holding.add(b) } }
                }
            }
            for (pod, blocks) in state.pods {
                mutate(pod, file, state.verification) { holding in for b in blocks { holding.add(b) } }
            }
            note(state.verification, file: file)
        case .devices(let cp):
            for entry in cp.entries {
                let addresses = entry.deviceIDs.values.joined().compactMap(Self.pciAddress)
                mutate(entry.podUID, file, cp.verification) { $0.pciDevices.formUnion(addresses) }
            }
            note(cp.verification, file: file)
        }
    }

    private mutating func mutate(_ pod: String, _ file: String, _ verification: KubeletVerification,
                                 _ change: (inout KubeletPodHolding) -> Void) {
        var holding = pods[pod] ?? KubeletPodHolding()
        if holding.sources.insert(file).inserted { holding.verifications.append(verification) }
        change(&holding)
        pods[pod] = holding
    }

    private mutating func note(_ verification: KubeletVerification, file: String) {
        if case .mismatch(let field, let stored, let computed) = verification {
            mismatches.append((file, field, stored, computed))
        }
    }

    /// The holders and findings, pods in uid order.
    func finish() -> ForeignReading {
        var out = reading
        var idsByFile: [String: [String]] = [:]
        let visible = cgroups.pods != nil
        if !visible, !pods.isEmpty {
            out.notVisible.append("kubelet pod cgroups not visible (no kubepods.slice or kubepods under sys/fs/cgroup): "
                                  + "pods are shown running, none is judged stale")
        }
        for uid in pods.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let holding = pods[uid] else { continue }
            let safeUID = KubeletText.safe(uid)
            let id = "kubelet:" + safeUID
            // Directory names are host text too.
            let cgroup = cgroups.pods?[uid].map(SafeText.escape)
            let state: HolderState = !visible || cgroup != nil ? .running : .stale
            let cpus = holding.cpus
            var containers: [String: CPUSet] = [:]
            for (name, set) in holding.containers { containers[KubeletText.safe(name)] = set }
            // MiB, rounded up; sizes near 2^64 (hostile) must not overflow.
            let memory = holding.memoryBytes.mapValues { Int(clamping: $0 >> 20 + ($0 & ((1 << 20) - 1) == 0 ? 0 : 1)) }
            let pages = holding.pages.map { HeldPages(node: $0.key.node, sizeKB: $0.key.sizeKB, count: $0.value) }
                .sorted { ($0.node, $0.sizeKB) < ($1.node, $1.sizeKB) }
            let sources = holding.sources.sorted()
            let holder = Holder(kind: .kubelet, id: id, name: safeUID, cgroup: cgroup, cpus: cpus, pages: pages,
                                pciDevices: holding.pciDevices.sorted(), memoryMBPerNode: memory,
                                foreign: ForeignDetail(state: state, podUID: safeUID,
                                                       containers: containers.isEmpty ? nil : containers,
                                                       sources: sources, verified: holding.verified))
            out.holders.append(holder)
            for file in sources { idsByFile[file, default: []].append(id) }
            if state == .stale { out.findings += staleFindings(holding, uid: safeUID, id: id) }
        }
        for (containerID, cpus) in containerIDs.sorted(by: { $0.key < $1.key }) {
            let safe = KubeletText.safe(containerID)
            let id = "kubelet:container:" + safe
            out.holders.append(Holder(kind: .kubelet, id: id, name: safe, cpus: cpus,
                                      foreign: ForeignDetail(state: .running, containers: [safe: cpus], sources: [Self.cpuFile],
                                                             verified: cpuVerification?.verified)))
            idsByFile[Self.cpuFile, default: []].append(id)
        }
        for m in mismatches {
            out.findings.append(Finding(kind: .checksumMismatch, resource: m.file, holders: idsByFile[m.file] ?? [],
                                        message: Self.mismatchWords(file: m.file, field: m.field, stored: m.stored, computed: m.computed)))
        }
        return out
    }

    private func staleFindings(_ holding: KubeletPodHolding, uid: String, id: String) -> [Finding] {
        var out: [Finding] = []
        let cpus = holding.cpus
        if !cpus.isEmpty {
            out.append(Finding(kind: .stale, resource: "CPUs \(cpus.cpulist)", holders: [id], message:
                "exclusive CPUs \(cpus.cpulist) leaked in \(Self.cpuFile) for pod \(uid), whose cgroup is gone "
                + "(kubernetes #109562): the kubelet keeps them out of its shared pool. restrack never edits kubelet state; "
                + "on the node, drain it, stop the kubelet, remove \(Self.cpuFile) and start the kubelet, "
                + "as the kubelet's CPU manager documentation says"))
        }
        if !holding.memoryBytes.isEmpty || !holding.pages.isEmpty {
            let nodes = Set(holding.memoryBytes.keys).union(holding.pages.keys.map(\.node)).sorted()
            out.append(Finding(kind: .stale, resource: "memory on node\(nodes.count == 1 ? "" : "s") \(nodes.map(String.init).joined(separator: ","))",
                               holders: [id], message:
                "memory and hugepages held in \(Self.memoryFile) for pod \(uid), whose cgroup is gone: the kubelet's memory "
                + "manager still counts them as reserved. restrack never edits kubelet state; drain the node, stop the kubelet, "
                + "remove \(Self.memoryFile) and start the kubelet"))
        }
        for address in holding.pciDevices.sorted() {
            let word = snapshot.pciDevices.first { $0.address == address }?.devType == .vf ? "VF" : "PCI device"
            out.append(Finding(kind: .stale, resource: "PCI \(address)", holders: [id], message:
                "\(word) \(address) held in \(Self.deviceFile) for pod \(uid) that no longer exists: the kubelet's "
                + "device manager still counts it as allocated, and drops the entry only when it next allocates devices. "
                + "restrack never edits kubelet state; if the entry stays, restart the kubelet, and check that nothing else "
                + "(a VM, a restrack claim) was given \(address) meanwhile"))
        }
        return out
    }

    static func mismatchWords(file: String, field: String, stored: UInt64, computed: UInt32) -> String {
        if file == deviceFile {
            return "\(file): the kubelet will not load this file: \(field) \(stored) does not match its content (\(computed)). "
                + "It starts without these device assignments (\"Device allocation info may NOT be up-to-date\") and may hand "
                + "the same devices to new pods; the content is shown unverified. If the file was edited, restore it; "
                + "otherwise drain the node, stop the kubelet, remove the file and start the kubelet"
        }
        return "\(file): kubelet will refuse to start with this file: \(field) \(stored) does not match its content "
            + "(\(computed)); the content is shown unverified. If the file was edited, restore it; otherwise drain the node, "
            + "stop the kubelet, remove \(file) and start the kubelet (it rebuilds the state from the pods it runs)"
    }

    /// A device id the SR-IOV device plugin gives (a PCI address), in
    /// sysfs's lower-case spelling; nil for other plugins' ids.
    static func pciAddress(_ id: String) -> String? {
        guard let p = PCIAddress.parse(id.lowercased()) else { return nil }
        return PCIAddress.format(domain: p.domain, bus: p.bus, slot: p.slot, function: p.function)
    }
}
