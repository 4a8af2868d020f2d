import Foundation

/// What tells a rewritten file (or a directory whose entries changed) from
/// the one read last: modification time to the nanosecond, size, device and
/// inode (an editor that saves by renaming a new file over the old one
/// changes the inode even within one clock tick), link count (a directory
/// gains or loses one per subdirectory), and the change time: a file
/// rewritten in place to the same size and then given its old modification
/// time back (`touch -r`, `cp -p`, `rsync -t`) keeps all of the others, but
/// every write and every `utimensat` moves the change time, which no user
/// can set.
struct FileStamp: Hashable, Sendable {
    var seconds: Int
    var nanoseconds: Int
    var changeSeconds: Int
    var changeNanoseconds: Int
    var size: Int64
    var device: UInt64
    var inode: UInt64
    var links: UInt64

    /// nil when `path` cannot be stat'ed.
    init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        self.init(st)
    }

    /// From a `stat` already taken (of an open descriptor, or relative to one).
    init(_ st: stat) {
        seconds = Int(st.st_mtim.tv_sec)
        nanoseconds = Int(st.st_mtim.tv_nsec)
        changeSeconds = Int(st.st_ctim.tv_sec)
        changeNanoseconds = Int(st.st_ctim.tv_nsec)
        size = Int64(st.st_size)
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        links = UInt64(st.st_nlink)
    }
}
