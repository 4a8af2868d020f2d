import TrackerCore

/// Applies `[pci] device_spec`. In Nova only devices that match a spec are
/// tracked, and a spec's `physical_network` is given to the devices it
/// matches (the first matching spec wins, as in Nova's whitelist). With no
/// device_spec at all restrack shows every device: an operator running
/// `restrack snapshot` wants to see the host, and Nova with no spec would
/// track nothing, which helps no one decide what to put in the spec.
enum DeviceSpecFilter {
    static func apply(_ specs: [PCIDeviceSpec], to devices: [PCIDevice]) -> [PCIDevice] {
        guard !specs.isEmpty else { return devices }
        let byAddress = Dictionary(devices.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a })
        return devices.compactMap { device in
            let parent = device.parentAddr.flatMap { byAddress[$0] }
            guard let spec = specs.first(where: { $0.matches(device, parent: parent) }) else { return nil }
            var d = device
            d.physicalNetwork = spec.physicalNetwork
            return d
        }
    }
}
