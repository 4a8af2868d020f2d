import TrackerCore

/// What the host shows of each PCI device's use: bound driver, VFIO group
/// held open by a process, network interface up, and whether the device
/// backs the host (mounted disks, a NIC in use, a bridge, the display).
/// (Stub: the live-truth issue fills it in.)
struct DeviceUseProbe: Sendable {
    let root: String?

    init(root: String?) { self.root = root }

    struct Result: Sendable {
        var devices: [String: DeviceUse] = [:]
        /// `host` holders for devices in active use by the host, and
        /// process holders of VFIO groups.
        var holders: [Holder] = []
        var notVisible: [String] = []
    }

    func observe(snapshot: HostSnapshot) -> Result { Result() }
}
