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
        var pfs: Set<String> = []
        for d in devices where d.devType == .pf { pfs.insert(d.address) }
        var types: [String: PCIDeviceType]?
        // A PF's VFs are listed together: a parent just found to be a PF
        // is not hashed again.
        var lastPF: String?
        for (i, d) in devices.enumerated() where d.devType == .vf {
            guard let parent = d.parentAddr else { continue }
            if parent == d.address {
                return (i, "VF \(SafeText.escape(d.address)) names itself as its parent; "
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
                for d in devices { all[d.address] = d.devType }
                types = all
            }
            if let t = types?[parent] {
                return (i, "VF \(SafeText.escape(d.address)) names \(SafeText.escape(parent)) as its parent, "
                        + "which is a \(t.rawValue), not a type-PF")
            }
        }
        return nil
    }
}
