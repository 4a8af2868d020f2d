import Foundation
import TrackerCore

/// Everything restrack looks at besides the snapshot, gathered into one
/// `Observations` per poll: the claims' owners (liveness, affinity), live
/// utilisation, holders the kernel shows (pinned tasks and cgroups), and the
/// use of each PCI device. Reads the live host (`root` nil) or a captured
/// root (`sys/`, `proc/`, `dev/` under it), never writes anything.
///
/// A class because utilisation is a difference of two `/proc/stat` reads:
/// the observer keeps the previous one, so a dashboard polling every second
/// reports the load over the last second.
public final class HostObserver: @unchecked Sendable {
    public let root: String?
    private let lock = NSLock()
    private let utilisation: UtilisationProbe
    private let tasks: TaskScanner
    private let devices: DeviceUseProbe
    private let processes: ProcessProbe

    public init(root: String?) {
        self.root = root
        let base = root ?? ""
        processes = ProcessProbe(procRoot: base + "/proc")
        utilisation = UtilisationProbe(root: root)
        tasks = TaskScanner(root: root)
        devices = DeviceUseProbe(root: root)
    }

    /// Takes the first `/proc/stat` read now, so the next `observe` reports
    /// the load since this call (`observe --interval S`: prime, wait S,
    /// observe). A dashboard needs none: each poll reports since the last.
    public func primeUtilisation() {
        utilisation.prime()
    }

    /// What the host shows now, for `claims` on `snapshot`.
    /// `deviceSpecConfigured`: the config names a `device_spec` (Nova's
    /// semantics: only matching devices are tracked).
    public func observe(snapshot: HostSnapshot, claims: [Claim], now: Double,
                        deviceSpecConfigured: Bool) -> Observations {
        lock.lock()
        defer { lock.unlock() }
        var seen = processes.observe(claims, now: now)
        seen.deviceSpecConfigured = deviceSpecConfigured
        seen.utilisation = utilisation.next(snapshot: snapshot)
        seen.notVisible += utilisation.warnings
        let scan = tasks.scan(snapshot: snapshot)
        seen.holders += scan.holders
        seen.notVisible += scan.notVisible
        seen.blindSpots += scan.blindSpots
        let use = devices.observe(snapshot: snapshot)
        seen.devices = use.devices
        seen.holders += use.holders
        seen.notVisible += use.notVisible
        return seen
    }
}
