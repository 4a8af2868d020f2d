import Foundation

/// What the VFIO scan found per process, kept between the polls of one
/// long-lived observer (the dashboard), so a second poll reads only the
/// processes whose open files changed.
///
/// A process that held a VFIO group or device file when last read is read
/// again on every poll: the few that do (QEMUs, DPDK) are the ones whose
/// holdings decide what is free, and one swapping a group for another, or
/// closing it, at the same descriptor count must show on the next poll.
/// Any other process is read again when its `proc/PID/fd` size (the number
/// of open descriptors, since Linux 6.2) differs from last time, when that
/// size is 0 on an older kernel (which reports no count), when it is new, and
/// once `refreshAfter` seconds have passed since it was read. So only a
/// process that held no VFIO file and swaps a descriptor for one at the
/// same count (or a pid reused at the same count) is seen up to
/// `refreshAfter` late: procfs gives no cheaper sign of it (the fd
/// directory's times do not move with open and close); a one-shot command
/// (`claim`, `check`) builds a new observer and reads everything.
/// A process without an fd/ directory (a captured tree's) is looked at
/// again when its directory reports a change to its inotify watch
/// (`VFIODirWatch`), as making fd/ in it does, or, where the kernel
/// refused the watch, when its own directory's identity changes; and
/// after `refreshAfter`. On a kernel that reports descriptor counts, a
/// live process whose fd/ has size 0 has no descriptors (a kernel thread)
/// and is not listed at all.
final class VFIOScanCache: @unchecked Sendable {
    struct Entry: Sendable {
        var fdCount: Int
        var readAt: Double
        var user: VFIOUserScan.User?
    }

    /// A process seen without an fd/ directory, and when (see
    /// `VFIOUserScan`): its directory watched by the cache's
    /// `VFIODirWatch`, or else the identity of its directory then. Plain
    /// values: one is looked up per process per poll.
    struct WithoutFDs: Sendable {
        /// nil when the directory is watched.
        var identity: PCIDirIdentity?
        var readAt: Double
    }

    let refreshAfter: Double
    private let lock = NSLock()
    private var entries: [Int32: Entry] = [:]
    /// Processes seen without fd/, by pid (see `VFIOUserScan`).
    private var missing: [Int32: WithoutFDs] = [:]
    /// A captured tree's `proc` as last listed (see `VFIOProcListing`).
    private var procListing: VFIOProcListing?
    /// Watches on the processes in `missing` whose identity is nil.
    private var watch: VFIODirWatch?

    /// Most process directories watched at once (`VFIODirWatch.limit`);
    /// nil: the host's default.
    let watchLimit: Int?

    init(refreshAfter: Double = 10, watchLimit: Int? = nil) {
        self.refreshAfter = refreshAfter
        self.watchLimit = watchLimit
    }

    /// How many process directories are watched (tests).
    var watchCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return watch?.count ?? 0
    }

    /// Runs `body` with the entries (to read and replace), the processes
    /// seen without fd/ (to update), the last kept `proc` listing (to
    /// replace), the watches on those processes (to replace) and the
    /// current monotonic time, one scan at a time.
    func update<T>(_ body: (inout [Int32: Entry], inout [Int32: WithoutFDs], inout VFIOProcListing?,
                            inout VFIODirWatch?, Double) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return body(&entries, &missing, &procListing, &watch, Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
    }

    /// The entry still good for a process whose fd directory now has
    /// `fdCount`; never one that held a VFIO file.
    func fresh(_ entry: Entry?, fdCount: Int?, now: Double) -> Entry? {
        guard let entry, entry.user == nil, let fdCount, fdCount > 0, entry.fdCount == fdCount,
              now - entry.readAt < refreshAfter else {
            return nil
        }
        return entry
    }
}
