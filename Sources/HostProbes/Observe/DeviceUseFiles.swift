#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files `DeviceUseProbe` reads, under the live `/` or a captured root.
///
/// Paths are bytes, not `String`s: interface names and mount points are
/// bytes in the kernel and a name that is not UTF-8 must still reach its
/// own `flags` file. Every read is of a regular file only, opened
/// non-blocking and capped: a FIFO, socket or device planted in a captured
/// tree (or a `/proc/PID/fd` entry followed by mistake) is refused at once,
/// never waited on. Nothing here walks a tree: directories are listed one
/// level, links are read, not followed.
struct DeviceUseFiles: Sendable {
    /// The root without a trailing slash, as bytes; empty for the live `/`.
    let root: [UInt8]

    init(root: String?) {
        var r = Array((root ?? "").utf8)
        while r.count > 1, r.last == UInt8(ascii: "/") { r.removeLast() }
        self.root = r == [UInt8(ascii: "/")] ? [] : r
    }

    var isLive: Bool { root.isEmpty }

    /// Why a read failed.
    enum Failure: Error, Equatable {
        case missing
        case special(String)
        case unreadable(String)

        /// Completes "FILE …" in a note.
        var words: String {
            switch self {
            case .missing: return "is missing"
            case .special(let kind): return "is \(kind), not a regular file"
            case .unreadable(let why): return "cannot be read (\(why))"
            }
        }
    }

    /// The root-relative path as the operator reads it in a note.
    func display(_ relative: [UInt8]) -> String {
        HostString.decode(root + [UInt8(ascii: "/")] + relative)
    }

    /// The absolute path, NUL-terminated, to hand to a C call.
    private func cPath(_ relative: [UInt8]) -> [CChar] {
        var full = root
        full.append(UInt8(ascii: "/"))
        full.append(contentsOf: relative)
        full.append(0)
        return full.map { CChar(bitPattern: $0) }
    }

    /// A regular file's bytes, at most `limit` of them (sysfs and proc files
    /// report sizes that are not their content's, so the cap is on the read).
    func bytes(_ relative: [UInt8], limit: Int = 1 << 20) -> Result<[UInt8], Failure> {
        let fd = open(cPath(relative), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 {
            let e = errno
            switch e {
            case ENOENT, ENOTDIR, ESRCH: return .failure(.missing)
            case ENXIO: return .failure(.special("a socket or device"))
            default: return .failure(.unreadable(Self.errorText(e)))
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable(Self.errorText(errno))) }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else { return .failure(.special(Self.kindName(kind))) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, Swift.min($0.count, limit - out.count)) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                // A process that exits between open and read: its files
                // read as ESRCH; the caller skips it like a missing one.
                return .failure(e == ESRCH ? .missing : .unreadable(Self.errorText(e)))
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return .success(out)
    }

    func bytes(_ relative: String, limit: Int = 1 << 20) -> Result<[UInt8], Failure> {
        bytes(Array(relative.utf8), limit: limit)
    }

    /// A small file's text without surrounding whitespace, lossily decoded
    /// (callers parse numbers and words out of it; nothing is displayed raw).
    func text(_ relative: [UInt8]) -> Result<String, Failure> {
        bytes(relative, limit: 64 << 10).map { String(decoding: $0, as: UTF8.self).trimmedSysfs }
    }

    func text(_ relative: String) -> Result<String, Failure> { text(Array(relative.utf8)) }

    /// Directory entries (not `.`/`..`) as bytes, sorted, at most `limit`;
    /// nil when the path is not a readable directory (opendir never blocks
    /// on a FIFO: it opens with O_DIRECTORY).
    func list(_ relative: [UInt8], limit: Int = 1 << 20) -> [[UInt8]]? {
        guard let dir = opendir(cPath(relative)) else { return nil }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while names.count < limit, let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            names.append(bytes)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    func list(_ relative: String, limit: Int = 1 << 20) -> [[UInt8]]? { list(Array(relative.utf8), limit: limit) }

    /// A symlink's target as written, or nil when the path is not a link.
    func linkTarget(_ relative: [UInt8]) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let path = cPath(relative)
        let n = buffer.withUnsafeMutableBufferPointer { b -> Int in
            guard let base = b.baseAddress else { return -1 }
            return base.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink(path, $0, b.count - 1) }
        }
        guard n > 0 else { return nil }
        return Array(buffer[0..<n])
    }

    func linkTarget(_ relative: String) -> [UInt8]? { linkTarget(Array(relative.utf8)) }

    /// The last component of a link's target (a driver's name, a group number).
    func linkBasename(_ relative: String) -> String? {
        guard let target = linkTarget(relative) else { return nil }
        guard let last = target.split(separator: UInt8(ascii: "/")).last else { return nil }
        return HostString.decode(Array(last))
    }

    /// True when the path exists at all (lstat: a dangling link counts).
    func exists(_ relative: [UInt8]) -> Bool {
        var st = stat()
        return lstat(cPath(relative), &st) == 0
    }

    func exists(_ relative: String) -> Bool { exists(Array(relative.utf8)) }

    static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}

extension Array where Element == UInt8 {
    /// `self + "/" + component`, for building root-relative byte paths.
    func slash(_ component: [UInt8]) -> [UInt8] {
        var out = self
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: component)
        return out
    }

    func slash(_ component: String) -> [UInt8] { slash(Array(component.utf8)) }
}
