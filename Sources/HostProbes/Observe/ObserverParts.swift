import TrackerCore

/// The observer's parts one at a time, for `restrack-bench probe`: the task
/// scan's share of a poll is measured by running it alone.
public enum ObserverParts {
    /// One task scan of `root` (nil: the live host): how many holders and
    /// not-visible sources it found.
    public static func scanTasks(root: String?, snapshot: HostSnapshot) -> (holders: Int, notVisible: Int) {
        let scan = TaskScanner(root: root).scan(snapshot: snapshot)
        return (scan.holders.count, scan.notVisible.count)
    }

    /// A device-use probe kept across calls, with its VFIO cache, as one
    /// observer keeps it between polls: each call observes `snapshot` and
    /// returns how many devices it saw.
    /// `pciRecord`: the loader's record, as the observer is given it.
    public static func deviceUse(root: String?, pciRecord: PCIPollRecord? = nil) -> @Sendable (HostSnapshot) -> Int {
        let probe = DeviceUseProbe(root: root, pciRecord: pciRecord)
        return { probe.observe(snapshot: $0).devices.count }
    }
}
