/// One thing `restrack placement audit` found wrong between Nova's
/// allocations in Placement and the libvirt domains on the host.
public struct AuditFinding: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// A consumer holds resources on this host but no domain has its UUID.
        case orphanedAllocation = "orphaned-allocation"
        /// A running or defined domain whose UUID holds nothing here.
        case unallocatedDomain = "unallocated-domain"
        /// PCPU or MEMORY_MB allocated differ from the domain's pins or memory.
        case usageMismatch = "usage-mismatch"
    }

    public var kind: Kind
    /// The consumer / domain UUID.
    public var uuid: String
    public var detail: String

    public init(kind: Kind, uuid: String, detail: String) {
        self.kind = kind
        self.uuid = uuid
        self.detail = detail
    }
}
