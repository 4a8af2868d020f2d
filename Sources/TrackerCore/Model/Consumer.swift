/// Who holds a claim. A pid is only trusted together with the process's
/// start time (field 22 of `/proc/PID/stat`, clock ticks since boot), so a
/// reused pid is not mistaken for the owner.
public struct Consumer: Codable, Hashable, Sendable {
    public var name: String
    public var pid: Int32?
    public var pidStartTime: UInt64?
    /// A libvirt domain UUID, when the consumer is a guest.
    public var domainUUID: String?

    public init(name: String, pid: Int32? = nil, pidStartTime: UInt64? = nil, domainUUID: String? = nil) {
        self.name = name
        self.pid = pid
        self.pidStartTime = pidStartTime
        self.domainUUID = domainUUID
    }

    enum CodingKeys: String, CodingKey {
        case name, pid, pidStartTime = "pid_start_time", domainUUID = "domain_uuid"
    }
}
