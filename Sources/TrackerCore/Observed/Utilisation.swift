/// Live load, sampled between two reads: per-CPU busy percentage from
/// `/proc/stat` (user+nice+system+irq+softirq+steal over the total, guest
/// time inside user so not counted twice) and per-node memory.
public struct Utilisation: Codable, Hashable, Sendable {
    /// CPU id → busy % over the sample, 0…100. A CPU missing was offline
    /// or not in both reads.
    public var cpuBusyPct: [Int: Double]
    /// Host-wide busy % over the CPUs sampled.
    public var hostBusyPct: Double?
    /// Node id → memory as the kernel counts it.
    public var nodeMemory: [Int: NodeMemory]

    public init(cpuBusyPct: [Int: Double] = [:], hostBusyPct: Double? = nil, nodeMemory: [Int: NodeMemory] = [:]) {
        self.cpuBusyPct = cpuBusyPct
        self.hostBusyPct = hostBusyPct
        self.nodeMemory = nodeMemory
    }

    enum CodingKeys: String, CodingKey {
        case cpuBusyPct = "cpu_busy_pct", hostBusyPct = "host_busy_pct", nodeMemory = "node_memory"
    }
}
