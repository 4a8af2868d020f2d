/// The processes whose use live claims explain, and how much of it: the
/// one owner judgement the derivation (`check`, `list`, the dashboard) and
/// the ledger's claim transaction share, so they refuse the same things.
/// A claim explains what it holds, nothing more: an owner that also pins a
/// thread to another CPU, or holds another device open, holds that as any
/// other process would.
public struct ClaimOwners: Hashable, Sendable {
    /// What an owner's claims hold; `whole` for the process a claim is being
    /// made for, whose current use is what it is about to claim.
    public struct Use: Hashable, Sendable {
        public var cpus: CPUSet = []
        public var devices: Set<String> = []
        public var whole = false
    }

    public private(set) var byPid: [Int32: Use] = [:]

    public init() {}

    /// The owner pids.
    public var pids: Set<Int32> { Set(byPid.keys) }

    /// Whether `pid` is still the process a claim recorded: not when the
    /// probe saw it alive with another start time (the pid was reused).
    /// A pid the probe did not look at, or could not read, keeps its claim's
    /// judgement (not visible is not gone).
    public static func isOwner(pid: Int32, startTime: UInt64?, observations seen: Observations) -> Bool {
        if case .alive(let started)? = seen.processes[pid], let startTime, startTime != started { return false }
        return true
    }

    /// Adds a live claim's owner with what the claim holds, unless its pid
    /// now belongs to another process.
    public mutating func add(pid: Int32, startTime: UInt64?, cpus: CPUSet, devices: [String],
                             observations seen: Observations) {
        guard Self.isOwner(pid: pid, startTime: startTime, observations: seen) else { return }
        byPid[pid, default: Use()].cpus.formUnion(cpus)
        byPid[pid, default: Use()].devices.formUnion(devices)
    }

    /// The process a new claim is made for: all it holds now is its own.
    public mutating func addClaimant(_ pid: Int32) {
        byPid[pid, default: Use()].whole = true
    }

    /// Whether `pid` holding `address` open is explained by its claims.
    public func owns(pid: Int32, device address: String) -> Bool {
        guard let use = byPid[pid] else { return false }
        return use.whole || use.devices.contains(address)
    }

    /// Every live claim's owner, from whole claims.
    public static func of(_ claims: [Claim], observations seen: Observations) -> ClaimOwners {
        var owners = ClaimOwners()
        for claim in claims {
            guard let pid = claim.consumer.pid else { continue }
            owners.add(pid: pid, startTime: claim.consumer.pidStartTime, cpus: claim.usage.pinnedCPUs,
                       devices: claim.usage.pciDevices, observations: seen)
        }
        return owners
    }

    /// What of `holder` its claims do not explain (`use` is its owner's, or
    /// the union of the owners' in its systemd scope); nil when nothing is
    /// left. Pages are judged per pool (`PoolUse`), not per holder.
    static func remainder(of holder: Holder, use: Use) -> Holder? {
        guard !use.whole else { return nil }
        var rest = holder
        rest.cpus = holder.cpus.subtracting(use.cpus)
        rest.pciDevices = holder.pciDevices.filter { !use.devices.contains($0) }
        rest.pages = []
        rest.memoryMBPerNode = [:]
        return rest.cpus.isEmpty && rest.pciDevices.isEmpty ? nil : rest
    }
}
