/// How many HTTP requests a command sent, reads (GET) and writes (the
/// rest), and how many writes Placement refused as concurrent updates.
public struct RequestCounts: Codable, Hashable, Sendable {
    public var reads = 0
    public var writes = 0
    public var conflicts = 0
    public var total: Int { reads + writes }

    public init(reads: Int = 0, writes: Int = 0, conflicts: Int = 0) {
        self.reads = reads
        self.writes = writes
        self.conflicts = conflicts
    }

    enum CodingKeys: String, CodingKey { case reads, writes, conflicts, total }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reads = try c.decode(Int.self, forKey: .reads)
        writes = try c.decode(Int.self, forKey: .writes)
        conflicts = try c.decodeIfPresent(Int.self, forKey: .conflicts) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reads, forKey: .reads)
        try c.encode(writes, forKey: .writes)
        try c.encode(conflicts, forKey: .conflicts)
        try c.encode(total, forKey: .total)
    }
}
