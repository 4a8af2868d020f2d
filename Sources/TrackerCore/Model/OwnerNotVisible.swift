/// A live claim's owner pid that this reader could not check (see
/// `ProcessLiveness.unknown`): neither healthy nor stuck, but unverified.
public struct OwnerNotVisible: Hashable, Sendable, CustomStringConvertible {
    public var pid: Int32
    /// Why it could not be checked (e.g. "/proc/1234/stat: Permission denied").
    public var why: String

    public init(pid: Int32, why: String) {
        self.pid = pid
        self.why = why
    }

    public var description: String { "owner pid \(pid) not visible to this user (\(why))" }
}
