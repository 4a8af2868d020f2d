#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The config kept between polls of a long-lived owner (the dashboard's
/// `SnapshotLoader`), so a poll pays a `stat` of the file instead of a read
/// and an INI parse (a real nova.conf has hundreds of lines).
///
/// Kept under the file's `FileStamp`, taken before the read: an edit in
/// place moves the modification and change times, a save by rename the
/// inode, and restoring the old modification time (`touch -r`, `cp -p`)
/// still moves the change time, which no user can set. A change during the
/// read differs from the stamp taken before it, so the next poll parses
/// again. Only a file whose change time is at least `settle` seconds older
/// than the stat is kept: timestamps move in clock ticks, so a second
/// same-size write within the tick of the first would keep the stamp the
/// first left (git's "racily clean" entries). That relies on the file
/// system's clock agreeing with this host's (a local disk, or a server
/// within `settle` of it). A config that fails to load is never kept, so
/// its error repeats on every poll.
public final class ComputeConfigCache: Sendable {
    private struct Kept {
        var path: String
        var stamp: FileStamp
        var config: ComputeConfig
    }

    /// Seconds a file's change time must lie behind the stat for its parse
    /// to be kept.
    let settle: Double
    private let kept = Mutex<Kept?>(nil)
    private let parseCount = Mutex(0)

    public init() {
        settle = 1
    }

    /// `settle`: tests keep files they have just written.
    init(settle: Double) {
        self.settle = settle
    }

    /// How many times this cache has read and parsed a config (tests).
    var parses: Int { parseCount.withLock { $0 } }

    /// The config at `path` as `ComputeConfig.load` reads it.
    func load(path: String) throws(ProbeError) -> ComputeConfig {
        var st = stat()
        let stamped = Self.stamp(path, &st)
        let stamp = FileStamp(st)
        if stamped, let config = kept.withLock({ kept -> ComputeConfig? in
            guard let kept, kept.path == path, kept.stamp == stamp else { return nil }
            return kept.config
        }) {
            return config
        }
        parseCount.withLock { $0 += 1 }
        let config: ComputeConfig
        do {
            config = try ComputeConfig.load(path: path)
        } catch {
            kept.withLock { $0 = nil }
            throw error
        }
        let settled = stamped && Self.isSettled(st, settle: settle)
        kept.withLock { $0 = settled ? Kept(path: path, stamp: stamp, config: config) : nil }
        return config
    }

    /// `fstat` of the file opened (without blocking, as the reader opens
    /// it) rather than `stat` of its path: an NFS client answers a `stat`
    /// from its attribute cache for up to a minute, while an open asks the
    /// server again (close-to-open), so an edit made on another client is
    /// seen on the next poll.
    private static func stamp(_ path: String, _ st: inout stat) -> Bool {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return fstat(fd, &st) == 0
    }

    /// True when the change time is `settle` seconds or more before now.
    private static func isSettled(_ st: stat, settle: Double) -> Bool {
        var now = timespec()
        guard clock_gettime(CLOCK_REALTIME, &now) == 0 else { return false }
        let age = Double(now.tv_sec - st.st_ctim.tv_sec) + Double(now.tv_nsec - st.st_ctim.tv_nsec) / 1e9
        return age >= settle
    }
}
