/// One resource held by two foreign owners (two libvirt domains, two
/// kubelet pods, a domain and a pod), and a VF held by one owner while its
/// PF is held whole by another (a restrack claim counts as an owner there).
/// A foreign owner's clash with a claim's CPU or device is found where the
/// claims' conflicts are (`HolderJudgement`). Each finding names both owners
/// and the resource and says what an operator does; restrack never edits
/// libvirt's or the kubelet's state.
///
/// Indexed by resource, so a host with hundreds of domains and pods costs
/// one pass over what they hold, not one per pair of them.
enum ForeignConflicts {
    private struct Pair: Hashable, Comparable {
        var a: Int
        var b: Int
        static func < (x: Pair, y: Pair) -> Bool { (x.a, x.b) < (y.a, y.b) }
    }

    /// `foreign` are the foreign holders that hold resources (see
    /// `LiveView.holding`).
    static func findings(foreign: [Holder], claims: [Claim], snapshot: HostSnapshot) -> [Finding] {
        guard !foreign.isEmpty else { return [] }
        var cpuOwners: [Int: [Int]] = [:]
        var deviceOwners: [String: [Int]] = [:]
        for (i, h) in foreign.enumerated() {
            for cpu in h.cpus { cpuOwners[cpu, default: []].append(i) }
            for address in Set(h.pciDevices) { deviceOwners[address, default: []].append(i) }
        }
        var sharedCPUs: [Pair: CPUSet] = [:]
        for (cpu, owners) in cpuOwners where owners.count > 1 {
            for (n, a) in owners.enumerated() {
                for b in owners[(n + 1)...] { sharedCPUs[Pair(a: a, b: b), default: []].insert(cpu) }
            }
        }
        var sharedDevices: [Pair: [String]] = [:]
        for (address, owners) in deviceOwners where owners.count > 1 {
            for (n, a) in owners.enumerated() {
                for b in owners[(n + 1)...] { sharedDevices[Pair(a: a, b: b), default: []].append(address) }
            }
        }
        let hands = " (restrack does not edit libvirt's or the kubelet's state)"
        var out: [Finding] = []
        for pair in Set(sharedCPUs.keys).union(sharedDevices.keys).sorted() {
            let a = foreign[pair.a], b = foreign[pair.b]
            if let cpus = sharedCPUs[pair] {
                let what = HolderJudgement.cpuWords(cpus)
                out.append(Finding(
                    kind: .conflict, resource: what, holders: [a.id, b.id],
                    message: "\(what) \(cpus.count == 1 ? "is" : "are") held by \(a.label) and also by \(b.label): "
                        + "two owners; \(a.remedy), or \(b.remedy)" + hands))
            }
            for address in (sharedDevices[pair] ?? []).sorted() {
                out.append(Finding(
                    kind: .conflict, resource: "PCI \(address)", holders: [a.id, b.id],
                    message: "PCI \(address) is held by \(a.label) and also by \(b.label): two owners; "
                        + "\(a.remedy), or \(b.remedy)" + hands))
            }
        }
        // PF ⇄ VF: a VF of a PF another owner passes through whole; claims
        // count as owners here, foreign owners at index < foreign.count.
        var owners: [(id: String, label: String, remedy: String)] = foreign.map { ($0.id, $0.label, $0.remedy) }
        for c in claims where !c.usage.pciDevices.isEmpty {
            let h = Holder(claim: c)
            for address in Set(c.usage.pciDevices) { deviceOwners[address, default: []].append(owners.count) }
            owners.append((h.id, h.label, h.remedy))
        }
        for dev in snapshot.pciDevices where dev.devType == .vf {
            guard let parent = dev.parentAddr, let vfOwners = deviceOwners[dev.address],
                  let pfOwners = deviceOwners[parent] else { continue }
            for v in vfOwners {
                for p in pfOwners where p != v && (v < foreign.count || p < foreign.count) {
                    let vf = owners[v], pf = owners[p]
                    out.append(Finding(
                        kind: .conflict, resource: "PCI \(dev.address)", holders: [vf.id, pf.id],
                        message: "PCI \(dev.address) is a VF held by \(vf.label) while its PF \(parent) is held whole "
                            + "by \(pf.label): two owners; \(vf.remedy), or \(pf.remedy)" + hands))
                }
            }
        }
        return out
    }
}
