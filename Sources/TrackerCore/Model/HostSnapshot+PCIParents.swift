extension HostSnapshot {
    /// The first VF whose `parent_addr` cannot be its PF, and why: itself,
    /// or a listed device that is not a `type-PF`. The fitter's PF⇄VF rule
    /// (a PF in use makes its VFs unavailable and back) trusts these links,
    /// so a broken one would let it hand out a PF together with its VFs.
    /// A parent that is not listed at all is fine: a `device_spec` may
    /// track VFs without their PF.
    /// Addresses are unique here (the decoder and `assembleChecked` check
    /// that first, and a probe lists each device directory once).
    public static func vfParentProblem(_ devices: [PCIDevice]) -> (index: Int, problem: String)? {
        guard devices.contains(where: { $0.devType == .vf }) else { return nil }
        // The PFs are few; every listed device's type is looked up only
        // when a parent is not one of them.
        // Fields are read in place (`devices[i].…`): iterating the
        // elements copies each device, a retain per field of thousands.
        var pfs: Set<String> = []
        for i in devices.indices where devices[i].devType == .pf { pfs.insert(devices[i].address) }
        var types: [String: PCIDeviceType]?
        // A PF's VFs are listed together: a parent just found to be a PF
        // is not hashed again.
        var lastPF: String?
        for i in devices.indices where devices[i].devType == .vf {
            guard let parent = devices[i].parentAddr else { continue }
            if parent == devices[i].address {
                return (i, "VF \(SafeText.escape(parent)) names itself as its parent; "
                        + "parent_addr must be its PF's address")
            }
            if parent == lastPF { continue }
            if pfs.contains(parent) {
                lastPF = parent
                continue
            }
            if types == nil {
                var all: [String: PCIDeviceType] = [:]
                all.reserveCapacity(devices.count)
                for j in devices.indices { all[devices[j].address] = devices[j].devType }
                types = all
            }
            if let t = types?[parent] {
                return (i, "VF \(SafeText.escape(devices[i].address)) names \(SafeText.escape(parent)) as its parent, "
                        + "which is a \(t.rawValue), not a type-PF")
            }
        }
        return nil
    }
}
