import Foundation
import TrackerCore

/// Everything restrack looks at besides the snapshot, gathered into one
/// `Observations` per poll: the claims' owners (liveness, affinity), live
/// utilisation, holders the kernel shows (pinned tasks and cgroups), and the
/// use of each PCI device. Reads the live host (`root` nil) or a captured
/// root (`sys/`, `proc/`, `dev/` under it), never writes anything. Foreign
/// owners come from libvirt's and the kubelet's state files under the same
/// root (`run/`, `etc/`, `var/lib/kubelet/`).
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
    /// libvirt's and the kubelet's readers. One probe of each per observer:
    /// their caches of files already parsed live as long as the observer, so
    /// a dashboard's poll re-reads only what changed.
    private let foreign: [@Sendable (HostSnapshot) -> ForeignReading]

    /// `foreign` replaces the libvirt and kubelet probes (tests).
    public init(root: String?, foreign: [@Sendable (HostSnapshot) -> ForeignReading]? = nil) {
        self.root = root
        let base = root ?? ""
        processes = ProcessProbe(procRoot: base + "/proc")
        utilisation = UtilisationProbe(root: root)
        tasks = TaskScanner(root: root)
        devices = DeviceUseProbe(root: root)
        let libvirt = LibvirtProbe(root: root)
        let kubelet = KubeletProbe(root: root)
        self.foreign = foreign ?? [{ libvirt.read(snapshot: $0) }, { kubelet.read(snapshot: $0) }]
    }

    /// Takes the first `/proc/stat` read now, so the next `observe` reports
    /// the load since this call (`observe --interval S`: prime, wait S,
    /// observe). A dashboard needs none: each poll reports since the last.
    public func primeUtilisation() {
        utilisation.prime()
    }

    /// What the host shows now, for `claims` on `snapshot`.
    /// `deviceSpecConfigured`: the config names a `device_spec` (Nova's
    /// semantics: only matching devices are tracked). `countDefined`: shut-off
    /// libvirt domains hold their resources (`--count-defined`).
    public func observe(snapshot: HostSnapshot, claims: [Claim], now: Double,
                        deviceSpecConfigured: Bool, countDefined: Bool = false) -> Observations {
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
        seen.countDefined = countDefined
        for read in foreign {
            let reading = read(snapshot)
            seen.holders += reading.holders
            seen.findings += reading.findings
            seen.notVisible += reading.notVisible
        }
        return seen
    }
}
