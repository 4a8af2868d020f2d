#if canImport(Glibc)
import Glibc
#endif
import TrackerCore

/// A VF's `net/` names as last listed, with what tells whether the
/// directory may have changed since: its identity, modification time and
/// link count. A directory's link count is 2 plus its subdirectories, on
/// ext4 (a captured tree) and on sysfs alike (kernfs counts them), and a
/// network interface under a device's `net/` is a directory; a listing is
/// kept only when every name in it was one. Renaming, adding or removing
/// an entry moves an ext4 directory's mtime; sysfs may not move it, but an
/// interface added or removed changes the count, and one renamed leaves a
/// kept name missing, which the reader sees when it opens that name's
/// `flags` and then lists the directory again.
struct PCINetListing: Sendable, Equatable {
    var device: UInt64
    var inode: UInt64
    var mtimeSeconds: Int
    var mtimeNanoseconds: Int
    var links: UInt64
    var names: [[UInt8]]
    /// `names` as the snapshot shows them (`SafeText.decode`), decoded
    /// once per listing, not once per poll.
    var decoded: [String]

    /// nil when the listing cannot stand for the directory: a name that is
    /// not a subdirectory (the count would not see it change).
    init?(_ st: stat, names: [[UInt8]]) {
        guard UInt64(st.st_nlink) == UInt64(names.count) + 2 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        mtimeSeconds = Int(st.st_mtim.tv_sec)
        mtimeNanoseconds = Int(st.st_mtim.tv_nsec)
        links = UInt64(st.st_nlink)
        self.names = names
        decoded = names.map(SafeText.decode)
    }

    /// Whether `st`, a fresh `stat` of the directory, is the one listed.
    func matches(_ st: stat) -> Bool {
        UInt64(st.st_dev) == device && UInt64(st.st_ino) == inode && Int(st.st_mtim.tv_sec) == mtimeSeconds
            && Int(st.st_mtim.tv_nsec) == mtimeNanoseconds && UInt64(st.st_nlink) == links
    }
}
