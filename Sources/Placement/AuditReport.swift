/// What `restrack placement audit` read and found.
public struct AuditReport: Codable, Hashable, Sendable {
    public var computeNode: String
    public var computeNodeUUID: String
    public var consumers: Int
    public var domains: Int
    public var findings: [AuditFinding]
    public var requests = RequestCounts()

    public init(computeNode: String, computeNodeUUID: String, consumers: Int, domains: Int, findings: [AuditFinding]) {
        self.computeNode = computeNode
        self.computeNodeUUID = computeNodeUUID
        self.consumers = consumers
        self.domains = domains
        self.findings = findings
    }

    enum CodingKeys: String, CodingKey {
        case computeNode = "compute_node", computeNodeUUID = "compute_node_uuid", consumers, domains, findings, requests
    }
}
