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

    static func now() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec)
    }
}
