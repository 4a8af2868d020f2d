/// One resource held by two foreign owners (two libvirt domains, two
/// kubelet pods, a domain and a pod), and a VF held by one owner while its
/// PF is held whole by another (a restrack claim counts as an owner there).
/// A foreign owner's clash with a claim's CPU or device is found where the
/// claims' conflicts are (`HolderJudgement`). Each finding names both owners
/// and the resource and says what an operator does; restrack never edits
/// libvirt's or the kubelet's state.
enum ForeignConflicts {
    /// `foreign` are the foreign holders that hold resources (see
    /// `LiveView.holding`).
    static func findings(foreign: [Holder], claims: [Claim], snapshot: HostSnapshot) -> [Finding] {
        var out: [Finding] = []
        for (i, a) in foreign.enumerated() {
            for b in foreign[(i + 1)...] {
                let cpus = a.cpus.intersection(b.cpus)
                if !cpus.isEmpty {
                    let what = HolderJudgement.cpuWords(CPUSet(cpus))
                    out.append(Finding(
                        kind: .conflict, resource: what, holders: [a.id, b.id],
                        message: "\(what) \(cpus.count == 1 ? "is" : "are") held by \(a.label) and also by \(b.label): "
                            + "two owners; \(a.remedy), or \(b.remedy) (restrack does not edit libvirt's or the kubelet's state)"))
                }
                let theirs = Set(b.pciDevices)
                for address in a.pciDevices where theirs.contains(address) {
                    out.append(Finding(
                        kind: .conflict, resource: "PCI \(address)", holders: [a.id, b.id],
                        message: "PCI \(address) is held by \(a.label) and also by \(b.label): two owners; "
                            + "\(a.remedy), or \(b.remedy) (restrack does not edit libvirt's or the kubelet's state)"))
                }
            }
        }
        guard !foreign.isEmpty else { return out }
        // PF ⇄ VF: a VF of a PF another owner passes through whole.
        var owners: [(id: String, label: String, remedy: String, devices: Set<String>, isForeign: Bool)] =
            foreign.map { ($0.id, $0.label, $0.remedy, Set($0.pciDevices), true) }
        for c in claims where !c.usage.pciDevices.isEmpty {
            let h = Holder(claim: c)
            owners.append((h.id, h.label, h.remedy, Set(c.usage.pciDevices), false))
        }
        for dev in snapshot.pciDevices where dev.devType == .vf {
            guard let parent = dev.parentAddr else { continue }
            for vfOwner in owners where vfOwner.devices.contains(dev.address) {
                for pfOwner in owners where pfOwner.id != vfOwner.id && pfOwner.devices.contains(parent)
                    && (vfOwner.isForeign || pfOwner.isForeign) {
                    out.append(Finding(
                        kind: .conflict, resource: "PCI \(dev.address)", holders: [vfOwner.id, pfOwner.id],
                        message: "PCI \(dev.address) is a VF held by \(vfOwner.label) while its PF \(parent) is held whole "
                            + "by \(pfOwner.label): two owners; \(vfOwner.remedy), or \(pfOwner.remedy) "
                            + "(restrack does not edit libvirt's or the kubelet's state)"))
                }
            }
        }
        return out
    }
}
