/// One NUMA node's memory as the kernel counts it (`nodeN/meminfo`), MiB.
public struct NodeMemory: Codable, Hashable, Sendable {
    public var totalMB: Int
    public var freeMB: Int
    public var usedMB: Int

    public init(totalMB: Int, freeMB: Int, usedMB: Int) {
        self.totalMB = totalMB
        self.freeMB = freeMB
        self.usedMB = usedMB
    }

    enum CodingKeys: String, CodingKey {
        case totalMB = "total_mb", freeMB = "free_mb", usedMB = "used_mb"
    }
}
