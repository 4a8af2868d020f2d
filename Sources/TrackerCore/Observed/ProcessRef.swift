/// A process named in an observation: its pid and `comm` (host text).
public struct ProcessRef: Codable, Hashable, Sendable {
    public var pid: Int32
    public var comm: String

    public init(pid: Int32, comm: String) {
        self.pid = pid
        self.comm = comm
    }
}
