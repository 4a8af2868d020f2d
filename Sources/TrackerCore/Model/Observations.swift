/// The probes, asked what they see of `claims`' owners at `now` (seconds
/// since the Unix epoch). Ledger calls take one so they can ask about the
/// claims they read inside their transaction.
public typealias Observer = (_ claims: [Claim], _ now: Double) -> Observations

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

    public init(now: Double, processes: [Int32: ProcessLiveness] = [:], affinities: [Int32: CPUSet] = [:]) {
        self.now = now
        self.processes = processes
        self.affinities = affinities
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
