/// How a kept poll proves that the device directories under one parent
/// directory are still the ones their facts were read from without a
/// `stat` of each device directory, chosen by the filesystem the parent is
/// on (`statfs`'s `f_type`). Each proof is taken after the poll's reads,
/// so a directory replaced during them is caught too.
enum PCIParentCheck: Sendable, Equatable {
    /// ext2/3/4, xfs, btrfs, tmpfs (captured trees): creating, removing or
    /// renaming an entry in a directory sets its mtime and ctime to the
    /// current time, and no caller can set a ctime, so a parent whose
    /// `FileStamp` is the one taken before the facts were read (and taken
    /// long enough after its last change: `PCIKeptParent.isTrusted`) still
    /// maps every name to the directory it did.
    case stamp
    /// sysfs: a kernfs directory's times do not move reliably when entries
    /// come and go, but every kernfs node has a number that readdir gives
    /// as `d_ino` and stat as `st_ino`, unique for the life of the system
    /// (a 64-bit counter since Linux 5.5; a cyclic 32-bit one before, not
    /// reused until it wraps): a device removed and added again, or moved
    /// under another parent, is a name that no longer gives the kept inode.
    /// The parent is listed once and every device's name is looked up.
    case listing
    /// Any other filesystem (NFS, FUSE, overlayfs, ...): each device
    /// directory is stat'ed, and compared with its `PCIDirIdentity`.
    case ownStat

    /// sysfs's, tmpfs's, ext2/3/4's, xfs's and btrfs's `f_type`.
    static let sysfsMagic = 0x6265_6572
    static let stampMagics: Set<Int> = [0x0102_1994, 0xEF53, 0x5846_5342, 0x9123_683E]

    static func of(filesystem type: Int) -> PCIParentCheck {
        if type == sysfsMagic { return .listing }
        return stampMagics.contains(type) ? .stamp : .ownStat
    }
}
