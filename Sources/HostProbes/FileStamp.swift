import Foundation

/// What tells a rewritten file from the one read last: modification time
/// to the nanosecond, size and inode (an editor that saves by renaming a
/// new file over the old one changes the inode even within one clock tick).
struct FileStamp: Hashable {
    var seconds: Int
    var nanoseconds: Int
    var size: Int64
    var inode: UInt64

    /// nil when `path` cannot be stat'ed.
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        seconds = Int(st.st_mtim.tv_sec)
        nanoseconds = Int(st.st_mtim.tv_nsec)
        size = Int64(st.st_size)
        inode = UInt64(st.st_ino)
    }
}
