extension HostSnapshot {
    /// The first VF whose `parent_addr` cannot be its PF, and why: itself,
    /// or a listed device that is not a `type-PF`. The fitter's PF⇄VF rule
    /// (a PF in use makes its VFs unavailable and back) trusts these links,
    /// so a broken one would let it hand out a PF together with its VFs.
    /// A parent that is not listed at all is fine: a `device_spec` may
    /// track VFs without their PF.
    public static func vfParentProblem(_ devices: [PCIDevice]) -> (index: Int, problem: String)? {
        guard devices.contains(where: { $0.devType == .vf }) else { return nil }
        var types: [String: PCIDeviceType] = [:]
        types.reserveCapacity(devices.count)
        for d in devices { types[d.address] = d.devType }
        for (i, d) in devices.enumerated() where d.devType == .vf {
            guard let parent = d.parentAddr else { continue }
            let name = SafeText.escape(d.address)
            if parent == d.address {
                return (i, "VF \(name) names itself as its parent; parent_addr must be its PF's address")
            }
            if let t = types[parent], t != .pf {
                return (i, "VF \(name) names \(SafeText.escape(parent)) as its parent, which is a \(t.rawValue), "
                        + "not a type-PF")
            }
        }
        return nil
    }
}
