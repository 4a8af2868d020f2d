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
    /// `--count-defined`: shut-off libvirt domains hold their resources.
    var countDefined = false

    /// What the probes see now of `claims` on `snapshot` (nil: the host could
    /// not be probed, so only owners are looked at).
    /// `tier`: `.display` only where nothing is decided on the result (the
    /// dashboard's periodic poll).
    func observe(snapshot: HostSnapshot?, claims: [Claim], now: Double, tier: ObservationTier = .full) -> Observations {
        guard let observer, let snapshot else { return ProcessProbe().observe(claims, now: now) }
        return observer.observe(snapshot: snapshot, claims: claims, now: now, deviceSpecConfigured: deviceSpecConfigured,
                                countDefined: countDefined, tier: tier)
    }

    /// Takes the first CPU-counter read now, so the next `observe` carries
    /// utilisation (the kernel's per-node memory with it) rather than
    /// nothing (`metrics`, which wants the memory figures on its first round).
    func prime() {
        observer?.primeUtilisation()
    }
}
