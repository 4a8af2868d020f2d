/// What the probes saw when a state was derived: the inputs besides the
/// snapshot and the claims that stuck and drift findings depend on. A value,
/// so a derivation is a pure function and a poll can tell "nothing new"
/// by comparing two of them.
///
/// A pid missing from `processes` was not looked at (no owner check, as
/// when nothing is known about processes); one missing from `affinities`
/// has no affinity check. Sources that hold resources besides restrack
/// claims (libvirt domains, kubelet, the kernel) belong here as further
/// fields, each judged in `ClaimStateDerivation`.
public struct Observations: Hashable, Sendable {
    /// Seconds since the Unix epoch.
    public var now: Double
    /// Owner pid → alive (with start time), gone, or not visible.
    public var processes: [Int32: ProcessLiveness]
    /// Owner pid → the CPUs it may run on (`Cpus_allowed_list`).
    public var affinities: [Int32: CPUSet]
    /// Holders the host shows besides restrack's claims (kind `kernel`,
    /// `host`, `libvirt`, `kubelet`). Empty: nothing was looked at
    /// (a `--host` file, `fit --host`), so nothing is held by others.
    public var holders: [Holder]
    /// PCI address → what the host shows of its use. A device missing here
    /// was not looked at and is judged by the snapshot alone.
    public var devices: [String: DeviceUse]
    /// Live load; nil when not sampled.
    public var utilisation: Utilisation?
    /// The config names a `device_spec`: Nova's semantics stand (only the
    /// matching devices are tracked), so host-owned devices are not judged
    /// by driver. Without one, only devices free for passthrough are
    /// claimable.
    public var deviceSpecConfigured: Bool
    /// Sources that could not be read in full ("/proc/4121 of another
    /// user", "cgroup tree not mounted"): said once, never taken as free.
    public var notVisible: [String]
    /// The part of `notVisible` that hides who holds CPUs (tasks of other
    /// users, a child PID namespace, a task scan cut short): CPUs no visible
    /// holder pins stay claimable, but `check` fails naming the blind spot,
    /// so an operator learns that restrack could not check the host.
    public var blindSpots: [String] = []
    /// Findings the probes of foreign owners made themselves (stale owners,
    /// checksum mismatches, applied ≠ promised, files refused), reported
    /// as they are beside the findings the derivation makes.
    public var findings: [Finding] = []
    /// Shut-off libvirt domains (`HolderState.defined`) hold their pins,
    /// pages and devices only when asked (`--count-defined`), as Nova counts
    /// them; otherwise they are listed and hold nothing.
    public var countDefined: Bool = false

    public init(now: Double, processes: [Int32: ProcessLiveness] = [:], affinities: [Int32: CPUSet] = [:],
                holders: [Holder] = [], devices: [String: DeviceUse] = [:], utilisation: Utilisation? = nil,
                deviceSpecConfigured: Bool = false, notVisible: [String] = []) {
        self.now = now
        self.processes = processes
        self.affinities = affinities
        self.holders = holders
        self.devices = devices
        self.utilisation = utilisation
        self.deviceSpecConfigured = deviceSpecConfigured
        self.notVisible = notVisible
    }

    /// Asks the probes about every owner pid the live claims name: liveness
    /// for each, affinity for each alive owner whose claim pins CPUs (the
    /// only ones an affinity can drift from). A nil probe looks at nothing.
    public static func gather(for claims: [Claim], now: Double, liveness: ((Int32) -> ProcessLiveness)?,
                              affinity: ((Int32) -> CPUSet?)? = nil) -> Observations {
        var seen = Observations(now: now)
        guard let liveness else { return seen }
        for claim in claims where claim.state.isLive {
            guard let pid = claim.consumer.pid else { continue }
            let alive = seen.processes[pid] ?? liveness(pid)
            seen.processes[pid] = alive
            if let affinity, alive.startTime != nil, seen.affinities[pid] == nil, !claim.usage.pinnedCPUs.isEmpty,
               let allowed = affinity(pid) {
                seen.affinities[pid] = allowed
            }
        }
        return seen
    }
}
