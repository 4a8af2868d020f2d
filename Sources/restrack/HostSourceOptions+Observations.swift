import HostProbes
import TrackerCore

extension HostSourceOptions {
    /// The observations these options name: nothing but owners for `--host`;
    /// under `--root` for a captured tree; the live host otherwise.
    func observations() throws(CLIFailure) -> HostObservations {
        guard let observer = observer() else { return HostObservations(observer: nil, deviceSpecConfigured: false) }
        return HostObservations(observer: observer, deviceSpecConfigured: try Self.deviceSpecConfigured(configPath),
                                countDefined: countDefined)
    }

    /// Whether the config at `path` names a `device_spec`; a config that
    /// cannot be read is bad input, as for the snapshot.
    static func deviceSpecConfigured(_ path: String?) throws(CLIFailure) -> Bool {
        guard let path else { return false }
        do {
            return !(try ComputeConfig.load(path: path).deviceSpecs.isEmpty)
        } catch {
            throw CLIFailure.badInput(error.description)
        }
    }
}
