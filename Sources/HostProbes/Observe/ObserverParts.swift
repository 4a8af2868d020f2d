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
}
