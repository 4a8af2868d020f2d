#if canImport(Glibc)
import Glibc
#endif
import BoundedFile

/// inotify watches on the process directories of a captured tree's `proc`
/// that had no `fd/` when the VFIO scan looked (`VFIOScanCache`), so a kept
/// scan passes over them without a `stat` each per poll and still reads a
/// process on the poll after an `fd/` is made in it.
///
/// Relies on inotify reporting, for each watched directory, every entry
/// made in it or moved into it (`IN_CREATE`, `IN_MOVED_TO`: an `fd/` or a
/// link named `fd`), a change of its own attributes (`IN_ATTRIB`: what
/// moved the change time the scan compared before), and its removal or
/// move (`IN_DELETE_SELF`, `IN_MOVE_SELF`, and `IN_IGNORED` once the watch
/// is gone), for every change made through this host's kernel to a disk or
/// memory filesystem (tmpfs, ext4, xfs, btrfs: where captures are kept).
/// Not reported: a change made by another host to a network filesystem
/// (the cache's `refreshAfter` still bounds how long that goes unseen), a
/// filesystem mounted over a process directory, and anything on procfs or
/// sysfs, which is why a live `proc` is never watched
/// (`VFIOProcListing.isKeepable`). The watches hold no reference that
/// keeps a directory alive, and go with `proc` itself: they are only used
/// while `proc` is the directory (device and inode) they were made under.
final class VFIODirWatch {
    private let fd: Int32
    /// The `proc` the watched directories were found in.
    let procDevice: UInt64
    let procInode: UInt64
    private var pidOfWatch: [Int32: Int32] = [:]
    private var watchOfPid: [Int32: Int32] = [:]
    /// Most processes watched at once. Watches count against a per-user
    /// limit (`fs.inotify.max_user_watches`) that every other program of
    /// the user shares (root's: systemd, udev, journald), and which the
    /// kernel enforces with ENOSPC for them too; a process past this is
    /// checked by its directory's identity instead.
    let limit: Int

    static let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    /// nil when the kernel gives no inotify instance (the per-user limit).
    init?(proc st: stat, limit: Int = VFIODirWatch.defaultLimit()) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        self.fd = fd
        procDevice = UInt64(st.st_dev)
        procInode = UInt64(st.st_ino)
        self.limit = limit
    }

    /// A quarter of this host's per-user watch limit (the kernel making
    /// the watches is this host's, whatever root is scanned), or 2,048
    /// when it cannot be read.
    static func defaultLimit() -> Int {
        guard case .success(let bytes) = BoundedFileReader().read("/proc/sys/fs/inotify/max_user_watches"),
              let total = Int(String(decoding: bytes, as: UTF8.self).trimmedSysfs), total > 0 else {
            return 2_048
        }
        return total / 4
    }

    deinit { close(fd) }

    /// Whether `st`, a fresh `stat` of the open `proc`, is the one watched.
    func isUnder(_ st: stat) -> Bool {
        UInt64(st.st_dev) == procDevice && UInt64(st.st_ino) == procInode
    }

    var count: Int { watchOfPid.count }

    /// Watches the directory at `path` (absolute, NUL-terminated) as
    /// process `pid`'s; false at `limit`, or when the kernel refuses (the
    /// watch limit, a directory gone). Made before the caller looks for
    /// `fd/` again, so an `fd/` made after that look is reported.
    func add(_ path: UnsafePointer<CChar>, pid: Int32) -> Bool {
        if watchOfPid[pid] == nil, watchOfPid.count >= limit { return false }
        // Not through a link: a link pointed elsewhere changes nothing in
        // the directory it led to, so such a process is left to the
        // identity check, which follows the link each poll.
        let wd = inotify_add_watch(fd, path, Self.mask | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW))
        guard wd >= 0 else { return false }
        if let old = watchOfPid[pid], old != wd {
            // The directory was replaced: the old watch is on a directory
            // no longer named `pid`.
            pidOfWatch[old] = nil
            _ = inotify_rm_watch(fd, old)
        }
        watchOfPid[pid] = wd
        pidOfWatch[wd] = pid
        return true
    }

    /// The processes whose directories reported anything since the last
    /// call, each once; nil when the kernel's queue overflowed, so any of
    /// them may have changed. A watch that reported is kept; one the
    /// kernel dropped (`IN_IGNORED`: its directory is gone) is forgotten.
    func changed() -> [Int32]? {
        var pids: [Int32] = []
        var overflowed = false
        let capacity = 64 << 10
        withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            guard let base = buffer.baseAddress else { return }
            while true {
                let n = read(fd, base, capacity)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else {
                    // Anything but "nothing queued" may have lost events.
                    if n < 0, errno != EAGAIN { overflowed = true }
                    break
                }
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= n {
                    let event = base.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    offset += header + Int(event.len)
                    if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true; continue }
                    guard let pid = pidOfWatch[event.wd] else { continue }
                    pids.append(pid)
                    if event.mask & UInt32(IN_IGNORED) != 0 {
                        pidOfWatch[event.wd] = nil
                        if watchOfPid[pid] == event.wd { watchOfPid[pid] = nil }
                    }
                }
            }
        }
        return overflowed ? nil : pids
    }
}
