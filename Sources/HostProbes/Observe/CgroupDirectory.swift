#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One cgroup directory held open while the leaf walk looks at its
/// children: each child's files are opened relative to this directory's
/// descriptor, so the kernel walks one or two names instead of the whole
/// path from the root (on a root with a thousand cgroups, path lookups were
/// the largest part of the walk's system time).
///
/// Reads follow the rules of `TaskFiles`: regular files only, cut at
/// `maxBytes`; `fault` is asked with the same
/// relative paths as `TaskFiles` is, so injected failures land alike.
struct CgroupDirectory {
    private let handle: OpaquePointer
    private let files: TaskFiles
    /// The directory relative to the root (`sys/fs/cgroup/machine.slice`).
    let relative: String
    /// The reader's effective uid, asked once per walk (`geteuid` is a
    /// system call too).
    private let euid: uid_t

    private init(handle: OpaquePointer, files: TaskFiles, relative: String, euid: uid_t) {
        self.handle = handle
        self.files = files
        self.relative = relative
        self.euid = euid
    }

    /// Opens `relative` under the root; the caller closes it.
    static func open(_ relative: String, files: TaskFiles, euid: uid_t) -> Result<CgroupDirectory, TaskFiles.Failure> {
        if let e = files.fault?(relative) { return .failure(.errno(e)) }
        guard let handle = opendir(files.path(relative)) else { return .failure(.errno(errno)) }
        return .success(CgroupDirectory(handle: handle, files: files, relative: relative, euid: euid))
    }

    func close() { closedir(handle) }

    private var fd: Int32 { dirfd(handle) }

    /// The raw names of the real subdirectories (not links), as
    /// `TaskFiles.subdirectories` lists them.
    func subdirectories() -> [[UInt8]] {
        var out: [[UInt8]] = []
        while let entry = readdir(handle) {
            let type = entry.pointee.d_type
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            switch Int32(type) {
            case Int32(DT_DIR):
                out.append(name)
            case Int32(DT_UNKNOWN):
                var st = stat()
                let found = fstatat(fd, String(decoding: name, as: UTF8.self), &st, AT_SYMLINK_NOFOLLOW) == 0
                if found, st.st_mode & S_IFMT == S_IFDIR { out.append(name) }
            default:
                continue
            }
        }
        return out
    }

    /// True when the child directory surely has no subdirectory, so listing
    /// it would find nothing to descend into: its link count is 2 (`.` and
    /// its entry in this directory; every subdirectory's `..` adds one, on
    /// cgroupfs as on ext4, xfs and tmpfs; btrfs and overlayfs say 1 and are
    /// listed) and it could be listed by this user, so that a directory
    /// this user may not list is still counted as skipped.
    /// Always false under fault injection, which fails listings by path.
    func childHasNoSubdirectories(_ name: String) -> Bool {
        guard files.fault == nil else { return false }
        var st = stat()
        guard fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_nlink == 2 else {
            return false
        }
        return euid == 0 || st.st_mode & S_IROTH != 0 || (st.st_uid == euid && st.st_mode & S_IRUSR != 0)
    }

    /// Reads `name` (a relative path below this directory) into the start
    /// of `buffer`, as `TaskFiles.read` would read the same file.
    func read(_ name: String, into buffer: inout [UInt8]) -> Result<Int, TaskFiles.Failure> {
        if let fault = files.fault, let e = fault(relative + "/" + name) { return .failure(.errno(e)) }
        return name.withCString { TaskFileRead.read($0, relativeTo: fd, limit: files.maxBytes, into: &buffer) }
    }
}
