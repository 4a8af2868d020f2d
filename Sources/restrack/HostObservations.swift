import Foundation
import HostProbes
import TrackerCore

/// What a verb observes of the host besides the snapshot: for a `--host`
/// file only the claims' owners (a simulated host has no processes, drivers
/// or load to look at, so no holders); for the live host or a captured root
/// everything `HostObserver` reads under that root. One value per run; the
/// dashboard keeps one across polls so utilisation is the load since the
/// previous poll.
struct HostObservations: Sendable {
    /// nil for a `--host` file.
    let observer: HostObserver?
    /// The config names a `[pci] device_spec`.
    let deviceSpecConfigured: Bool

    /// What the probes see now of `claims` on `snapshot` (nil: the host could
    /// not be probed, so only owners are looked at).
    func observe(snapshot: HostSnapshot?, claims: [Claim], now: Double) -> Observations {
        guard let observer, let snapshot else { return ProcessProbe().observe(claims, now: now) }
        return observer.observe(snapshot: snapshot, claims: claims, now: now, deviceSpecConfigured: deviceSpecConfigured)
    }
}

extension HostSourceOptions {
    /// The observations these options name: nothing but owners for `--host`;
    /// under `--sysfs-root` for a captured tree; the live host otherwise.
    func observations() throws(CLIFailure) -> HostObservations {
        if hostFile != nil { return HostObservations(observer: nil, deviceSpecConfigured: false) }
        return HostObservations(observer: HostObserver(root: sysfsRoot),
                                deviceSpecConfigured: try Self.deviceSpecConfigured(configPath))
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
