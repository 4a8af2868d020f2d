import TrackerCore

/// Per-CPU busy % from two `/proc/stat` reads and per-node memory from
/// `sys/devices/system/node/nodeN/meminfo`. Keeps the previous read.
/// (Stub: the live-truth issue fills it in.)
final class UtilisationProbe: @unchecked Sendable {
    let root: String?

    init(root: String?) { self.root = root }

    /// The load since the previous call (nil on the first call: one read
    /// gives no rate) and the memory now.
    func next(snapshot: HostSnapshot) -> Utilisation? { nil }
}
