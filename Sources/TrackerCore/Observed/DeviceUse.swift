/// What the host shows of one PCI device's use, read on every poll: the
/// bound driver, processes holding its VFIO group open, whether its
/// network interface is up, and why the host itself needs it.
public struct DeviceUse: Codable, Hashable, Sendable {
    public var address: String
    /// The `driver` link's name; nil when no driver is bound.
    public var driver: String?
    /// Processes with `/dev/vfio/<group>` of this device open.
    public var vfioUsers: [ProcessRef]
    /// A network interface of this device is administratively up.
    public var netdevUp: Bool
    /// Set when the device backs the host (a disk controller with mounted
    /// block devices, a NIC that is up or has addresses, a bridge, the boot
    /// display): the sentence an operator reads, e.g. "disk controller of
    /// vda, mounted at /".
    public var hostReason: String?
    /// Set when some process's open files could not be read, so whether it
    /// holds this device's VFIO group is unknown: the sentence saying why.
    /// Such a device is not handed out (not visible is not free).
    public var usersUnknown: String?

    public init(address: String, driver: String? = nil, vfioUsers: [ProcessRef] = [], netdevUp: Bool = false,
                hostReason: String? = nil, usersUnknown: String? = nil) {
        self.usersUnknown = usersUnknown
        self.address = address
        self.driver = driver
        self.vfioUsers = vfioUsers
        self.netdevUp = netdevUp
        self.hostReason = hostReason
    }

    /// Drivers that leave a device to a guest: bound to one of these (or to
    /// none) and held by no process, a device is free for passthrough.
    public static let passthroughDrivers: Set<String> = ["vfio-pci", "pci-stub"]

    enum CodingKeys: String, CodingKey {
        case address, driver, vfioUsers = "vfio_users", netdevUp = "netdev_up", hostReason = "host_reason"
        case usersUnknown = "users_unknown"
    }
}

extension DeviceUse {
    /// Bound to a passthrough driver or to none.
    public var isPassthroughDriver: Bool { driver.map { Self.passthroughDrivers.contains($0) } ?? true }
}
