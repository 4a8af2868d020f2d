#if canImport(Glibc)
import Glibc
#endif

/// What tells one PCI device directory from another at the same address:
/// its inode and change time. A hot-unplug and replug (or a captured tree
/// whose device directory is replaced) makes a new directory, so facts kept
/// for the old one are not served for the new; an entry added to or removed
/// from the directory changes its ctime, which at worst costs a re-read.
struct PCIDirIdentity: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var ctimeSeconds: Int
    var ctimeNanoseconds: Int

    /// nil when `path` (the bus entry, followed to the device directory)
    /// cannot be stat'ed.
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    /// From a `stat` of the directory.
    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        ctimeSeconds = Int(st.st_ctim.tv_sec)
        ctimeNanoseconds = Int(st.st_ctim.tv_nsec)
    }
}
