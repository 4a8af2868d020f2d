import HostProbes
import Placement
import TrackerCore

extension PlacementSyncCommand {
    /// Device address → the resource class the first `[pci] device_spec`
    /// matching the device names (Nova takes the first match too), from the
    /// config at `configPath`; empty without a config.
    static func configuredClasses(configPath: String?, snapshot: HostSnapshot) throws(CLIFailure) -> [String: String] {
        guard let configPath else { return [:] }
        let specs: [PCIDeviceSpec]
        do {
            specs = try ComputeConfig.load(path: configPath).deviceSpecs
        } catch {
            throw CLIFailure.badInput(error.description)
        }
        guard specs.contains(where: { $0.resourceClass != nil }) else { return [:] }
        var byAddress: [String: PCIDevice] = [:]
        for d in snapshot.pciDevices { byAddress[d.address] = d }
        var out: [String: String] = [:]
        for d in snapshot.pciDevices {
            let parent = d.parentAddr.flatMap { byAddress[$0] }
            if let spec = specs.first(where: { $0.matches(d, parent: parent) }), let rc = spec.resourceClass {
                out[d.address] = PlacementNames.configuredClass(rc)
            }
        }
        return out
    }
}
