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
    private let signals: ChangeSignals
    /// The structure of the last full scan, for `.display` polls: the
    /// snapshot and signals it was read under and the caller's clock then.
    /// `recheck`: that scan was prompted by a signal, so the next display
    /// poll scans once more: a signal fires when a task is created, and what
    /// it then does at once (set its affinity, exec, be pinned by libvirt)
    /// moves no further signal. A full poll passes a recheck still owed
    /// on to the next display poll.
    private var kept: (structure: Observations, snapshot: HostSnapshot, signals: ChangeSignals.Reading, at: Double, recheck: Bool)?
    private var scans = 0
    /// How many structural scans (task scan, cgroup leaves, device use,
    /// foreign owners) this observer has run.
    public var structuralScans: Int { lock.withLock { scans } }

    /// `foreign` replaces the libvirt and kubelet probes (tests).
    /// `pciRecord`: the record of the `SnapshotLoader` whose snapshots this
    /// observer is given, so device use takes the drivers and interface
    /// names that loader has just read for the same poll.
    public init(root: String?, foreign: [@Sendable (HostSnapshot) -> ForeignReading]? = nil,
                pciRecord: PCIPollRecord? = nil) {
        self.root = root
        let base = root ?? ""
        processes = ProcessProbe(procRoot: base + "/proc")
        utilisation = UtilisationProbe(root: root)
        tasks = TaskScanner(root: root)
        devices = DeviceUseProbe(root: root, pciRecord: pciRecord)
        let libvirt = LibvirtProbe(root: root)
        let kubelet = KubeletProbe(root: root)
        self.foreign = foreign ?? [{ libvirt.read(snapshot: $0) }, { kubelet.read(snapshot: $0) }]
        signals = ChangeSignals(root: root)
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
    /// libvirt domains hold their resources (`--count-defined`). `tier`:
    /// `.full` reads everything; `.display` keeps the last structure while
    /// nothing says it changed (`ObservationTier`), and is for showing only.
    public func observe(snapshot: HostSnapshot, claims: [Claim], now: Double,
                        deviceSpecConfigured: Bool, countDefined: Bool = false,
                        tier: ObservationTier = .full) -> Observations {
        lock.lock()
        defer { lock.unlock() }
        var seen = processes.observe(claims, now: now)
        seen.deviceSpecConfigured = deviceSpecConfigured
        seen.countDefined = countDefined
        seen.utilisation = utilisation.next(snapshot: snapshot)
        let warnings = utilisation.warnings
        let structure: Observations
        let signalled = signals.current()
        if case .display(let rescanAfter) = tier, let kept, !kept.recheck, kept.signals == signalled,
           kept.snapshot == snapshot, now >= kept.at, now - kept.at < rescanAfter {
            structure = kept.structure
        } else {
            // Any scan a signal prompted is checked once more, the recheck
            // itself included when a signal met it too. A full poll does
            // not stand in for the display's recheck: it may come moments
            // after the signalled scan, before the new task has pinned itself.
            let recheck = kept.map { $0.signals != signalled || ($0.recheck && tier == .full) } ?? false
            structure = scanStructure(snapshot)
            kept = (structure, snapshot, signalled, now, recheck)
        }
        // The kept arrays are handed on as they are (not copied) when there
        // is nothing to add, so a caller comparing two idle polls' holders
        // finds the same storage and stops there.
        seen.holders = structure.holders
        seen.devices = structure.devices
        seen.blindSpots = structure.blindSpots
        seen.findings = structure.findings
        seen.notVisible = warnings.isEmpty ? structure.notVisible : warnings + structure.notVisible
        return seen
    }

    /// The structural part of a poll: holders, device use, findings and what
    /// could not be seen, in the order the report lists them. The signals are
    /// read before it (by the caller), so a change during the scan is seen
    /// again at the next display poll.
    private func scanStructure(_ snapshot: HostSnapshot) -> Observations {
        scans += 1
        var seen = Observations(now: 0)
        // The foreign owners are read first so the task scan can take the
        // vCPU thread affinities the libvirt probe has just read; their
        // holders still come after the kernel's and the devices'.
        let readings = foreign.map { $0(snapshot) }
        var known: [Int32: [Int32: CPUSet]] = [:]
        for reading in readings {
            known.merge(reading.threadAffinities) { mine, theirs in mine.merging(theirs) { first, _ in first } }
        }
        let scan = tasks.scan(snapshot: snapshot, known: known)
        seen.holders += scan.holders
        seen.notVisible += scan.notVisible
        seen.blindSpots += scan.blindSpots
        let use = devices.observe(snapshot: snapshot)
        seen.devices = use.devices
        seen.holders += use.holders
        seen.notVisible += use.notVisible
        for reading in readings {
            seen.holders += reading.holders
            seen.findings += reading.findings
            seen.notVisible += reading.notVisible
        }
        return seen
    }
}
