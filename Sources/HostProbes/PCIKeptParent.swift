#if canImport(Glibc)
import Glibc
#endif

/// A directory holding kept devices' directories (`PCIFactCache.Facts`'s
/// resolved parent), with its stamp as taken before those devices' facts
/// were read, or re-taken by a kept poll that proved each device under it
/// by its own `stat` after taking it.
struct PCIKeptParent: Sendable {
    /// Root-relative.
    var path: String
    var stamp: FileStamp?
    /// `CLOCK_REALTIME` just before the stamp was taken, in nanoseconds.
    var takenAt: Int

    /// A filesystem sets a directory's ctime from a clock that may be
    /// coarser than a nanosecond (a jiffy; whole seconds on ext2/3 with
    /// small inodes): an entry replaced in the same tick as the change the
    /// stamp saw leaves the ctime as it was. A stamp taken this long after
    /// the ctime it holds cannot have a later change share its tick.
    static let racyNanoseconds = 2_000_000_000

    init(path: String, stamp: FileStamp?, takenAt: Int) {
        self.path = path
        self.stamp = stamp
        self.takenAt = takenAt
    }

    /// A file renamed over inside a device directory (`rsync` refreshing a
    /// captured tree) moves that directory's ctime, not its parent's: the
    /// parent's stamp proves the directories for this long after each
    /// device was last stat'ed (or read), then they are each stat'ed again.
    /// A real kernel never replaces a device's fixed files in place.
    static let restatNanoseconds = 10_000_000_000

    /// Stamps `path` (root-relative; `absolute` is where it is) now.
    init(path: String, absolute: String) {
        let now = Self.now()
        self.init(path: path, stamp: FileStamp(path: absolute), takenAt: now)
    }

    /// Whether an equal stamp later proves that no entry changed since
    /// (see `racyNanoseconds`).
    var isTrusted: Bool {
        guard let stamp else { return false }
        return takenAt - (stamp.changeSeconds * 1_000_000_000 + stamp.changeNanoseconds) > Self.racyNanoseconds
    }

    /// Whether `stamp`, taken at `now`, proves that no device directory
    /// under the parent changed since this stamp was taken: equal, trusted,
    /// and taken under `restatAfter` nanoseconds ago (a clock set back
    /// proves nothing).
    func proves(_ stamp: FileStamp, at now: Int, restatAfter: Int) -> Bool {
        isTrusted && self.stamp == stamp && now >= takenAt && now - takenAt < restatAfter
    }

    static func now() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec)
    }
}
