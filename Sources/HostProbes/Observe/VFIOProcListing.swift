#if canImport(Glibc)
import Glibc
#endif

/// The pids of a captured tree's `proc` as last listed by the VFIO scan,
/// with what tells whether the directory may have changed since: its
/// identity, change and modification times, link count and size. A
/// process directory added or removed moves the times of a disk or tmpfs
/// directory and changes its link count (each is a subdirectory) and
/// size. The live procfs moves none of them reliably, so its listing is
/// never kept (`isKeepable`). Taken before the listing: a process added during it
/// moves them after the stamp, and the next scan lists again.
struct VFIOProcListing: Sendable {
    var stamp: FileStamp
    var pids: [Int32]
    var readAt: Double

    init(_ st: stat, pids: [Int32], readAt: Double) {
        stamp = FileStamp(st)
        self.pids = pids
        self.readAt = readAt
    }

    /// Whether `st`, a fresh `stat` of the directory, is the one listed.
    func matches(_ st: stat) -> Bool {
        FileStamp(st) == stamp
    }

    /// Whether the open `proc` directory `fd` is a captured tree's, whose
    /// times follow its entries, and not a procfs: procfs always has
    /// `self` as a link to the reader's own process, a capture writes it
    /// as a directory and a hand-made tree may have none.
    static func isKeepable(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstatat(fd, "self", &st, AT_SYMLINK_NOFOLLOW) == 0 else { return errno == ENOENT }
        return st.st_mode & S_IFMT != S_IFLNK
    }
}
