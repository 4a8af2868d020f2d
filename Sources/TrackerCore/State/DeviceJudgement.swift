/// Whether a PCI device the host shows in use may be handed out, and what
/// is wrong with one a claim holds. Host drivers, VFIO users and interfaces
/// that are up belong to their owners: restrack only refuses and reports.
enum DeviceJudgement {
    /// Why `use`'s device cannot be claimed now; nil when it can.
    ///
    /// Without a `device_spec` only devices free for passthrough are
    /// claimable: bound to a passthrough driver (or none) and held open by
    /// no process, or a VF whose interface is not up (Nova rebinds it on
    /// attach). With one, Nova's semantics stand (the operator listed the
    /// device), except that a device held open by a process or backing the
    /// host is still in use. `owners` are pids of live claims' owners (and
    /// the new claim's): their VFIO use of what their claims hold is not a
    /// blocker.
    static func blocker(_ use: DeviceUse, device: PCIDevice, specConfigured: Bool, owners: ClaimOwners) -> String? {
        let users = use.vfioUsers.filter { !owners.owns(pid: $0.pid, device: use.address) }
        if let first = users.first {
            let more = users.count > 1 ? " and \(users.count - 1) more" : ""
            return "held open by pid \(first.pid) (\(first.comm))\(more)"
        }
        if let why = use.hostReason {
            return "bound to \(use.driver ?? "no driver"): \(why)"
        }
        if let why = use.usersUnknown { return "users unknown: \(why)" }
        if specConfigured { return nil }
        guard let driver = use.driver, !DeviceUse.passthroughDrivers.contains(driver) else { return nil }
        if device.devType == .vf {
            return use.netdevUp ? "bound to \(driver) with its network interface up" : nil
        }
        if use.netdevUp { return "bound to \(driver) with its network interface up" }
        return "bound to host driver \(driver), not to vfio-pci or pci-stub"
    }

    /// What makes a device claim `claimID` holds used by someone else too:
    /// held open by a process that is not a live claim's owner, or in use by
    /// the host. nil when nothing.
    static func conflict(_ use: DeviceUse, owners: ClaimOwners) -> (holder: String, what: String)? {
        if let other = use.vfioUsers.first(where: { !owners.owns(pid: $0.pid, device: use.address) }) {
            return ("pid:\(other.pid)", "held open by pid \(other.pid) (\(other.comm))")
        }
        if let why = use.hostReason {
            return ("host:\(use.address)", "used by the host (bound to \(use.driver ?? "no driver"): \(why))")
        }
        if let driver = use.driver, !use.isPassthroughDriver, use.netdevUp {
            return ("host:\(use.address)", "bound to host driver \(driver) with its network interface up")
        }
        return nil
    }
}
