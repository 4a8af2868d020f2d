/// A finished sync: its report, what to remember for the next one, the
/// tree it published and the consumers (claim id → UUID) it wrote.
public struct SyncOutcome: Sendable {
    public var report: SyncReport
    public var memory: SyncMemory
    public var tree: DesiredTree
}
