import TrackerCore

/// What one CPU is for, in display precedence.
public enum CPUKind: Hashable, Sendable {
    case offline, pinned, freeDedicated, shared, isolated, reserved
    /// Pinned by a holder that is not a claim: a process or cgroup the
    /// kernel shows, a libvirt domain, a kubelet pod.
    case held
    /// Held by a claim and by another holder at once.
    case conflict

    /// As `of(_:in:)`, with what the kernel and foreign owners show: a CPU
    /// in `cpuHolders` is `held`, or `conflict` when a claim pins it too or
    /// a conflict finding names it (a domain and a pod on one CPU).
    public static func of(_ cpu: Int, in cell: NUMACell, host: HostState) -> CPUKind {
        of(cpu, in: cell, host: host, conflicted: LiveFigures.conflicted(host).cpus)
    }

    /// As above with the conflicted CPUs worked out once per map.
    public static func of(_ cpu: Int, in cell: NUMACell, host: HostState, conflicted: CPUSet) -> CPUKind {
        if cell.offlineCPUs?.contains(cpu) == true { return .offline }
        if host.cpuHolders[cpu] != nil {
            return host.cpuOwners[cpu] == nil && !conflicted.contains(cpu) ? .held : .conflict
        }
        return of(cpu, in: cell)
    }

    public static func of(_ cpu: Int, in cell: NUMACell) -> CPUKind {
        if cell.offlineCPUs?.contains(cpu) == true { return .offline }
        if cell.pinnedCPUs.contains(cpu) { return .pinned }
        if cell.pcpus.contains(cpu) { return .freeDedicated }
        if cell.cpus.contains(cpu) { return .shared }
        if cell.isolatedCPUs?.contains(cpu) == true { return .isolated }
        return .reserved
    }

    public func glyph(_ g: Glyphs) -> Character {
        switch self {
        case .offline: return g.tileOffline
        case .pinned: return g.tilePinned
        case .freeDedicated: return g.tileFreeDedicated
        case .shared: return g.tileShared
        case .isolated: return g.tileIsolated
        case .reserved: return g.tileReserved
        case .held: return g.tileHeld
        case .conflict: return g.tileConflict
        }
    }

    public var role: Role {
        switch self {
        case .offline: return .offline
        case .pinned: return .pinned
        case .freeDedicated: return .free
        case .shared: return .shared
        case .isolated: return .isolated
        case .reserved: return .reserved
        case .held: return .warn
        case .conflict: return .danger
        }
    }

    public var name: String {
        switch self {
        case .offline: return "offline"
        case .pinned: return "pinned"
        case .freeDedicated: return "free dedicated"
        case .shared: return "shared"
        case .isolated: return "isolated"
        case .reserved: return "reserved"
        case .held: return "held, no claim"
        case .conflict: return "conflict"
        }
    }
}
