#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way restrack reads a host or input file: sysfs and proc files of
/// a probe, host and request documents, batch files and the config.
///
/// A path can name anything, and a plain `open` + `read` hangs on a FIFO (no
/// writer), blocks on a terminal or device, or reads a sparse 10 GB file
/// into memory. So the file is opened non-blocking (opening a FIFO for
/// reading returns at once), `fstat` must show a regular file, and no more
/// than `limit` bytes are read: `st_size` is checked first, and the read
/// stops one byte past the limit too, since sysfs and proc report sizes
/// that are not the content's (4096 and 0).
public struct BoundedFileReader: Sendable {
    /// The largest host, request or config document restrack reads. A
    /// 4,096-CPU host with thousands of PCI devices is a few MiB; above
    /// this a document is refused before it is decoded.
    public static let maxDocumentBytes = 64 << 20
    /// The largest sysfs or proc file a probe reads; real ones are a page.
    public static let maxSysfsBytes = 4 << 20

    public var limit: Int
    /// Whether a symlink as the last path component is followed. Documents
    /// an operator names may be links; set false where a link is never
    /// legitimate.
    public var followsLinks: Bool

    public init(limit: Int = BoundedFileReader.maxDocumentBytes, followsLinks: Bool = true) {
        self.limit = limit
        self.followsLinks = followsLinks
    }

    /// Why a file was not read, in words for a warning or an error.
    public enum Failure: Error, Equatable, Sendable {
        case missing
        /// A FIFO, socket, device or directory: its kind in words.
        case notRegularFile(String)
        case tooLarge(limit: Int)
        case unreadable(String)

        /// Completes "FILE …", e.g. "FILE is a FIFO, not a regular file".
        public var words: String {
            switch self {
            case .missing: return "is missing"
            case .notRegularFile(let kind): return "is \(kind), not a regular file"
            case .tooLarge(let limit): return "is larger than \(Self.size(limit)), more than restrack reads"
            case .unreadable(let why): return "cannot be read (\(why))"
            }
        }

        static func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB"
                : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
        }
    }

    /// The contents of `path`; relative paths are taken from `directoryFD`
    /// when it is an open directory (a batch), else from the working
    /// directory.
    public func read(_ path: String, directoryFD: Int32 = AT_FDCWD) -> Result<[UInt8], Failure> {
        var bytes: [UInt8] = []
        return read(path, directoryFD: directoryFD, into: &bytes).map { bytes }
    }

    /// As `read(_:directoryFD:)` into a buffer the caller reuses across
    /// files (a batch reads thousands).
    public func read(_ path: String, directoryFD: Int32 = AT_FDCWD,
                     into bytes: inout [UInt8]) -> Result<Void, Failure> {
        readCounted(path, directoryFD: directoryFD, into: &bytes).map { _ in () }.mapError(\.failure)
    }

    /// As `read(_:directoryFD:into:)`, returning the byte count and keeping
    /// the errno behind a failure. `limit` replaces the reader's own for
    /// this call; `overflow` says whether more than it is refused or cut.
    public func readCounted(_ path: String, directoryFD: Int32 = AT_FDCWD, into bytes: inout [UInt8],
                            limit: Int? = nil, overflow: Overflow = .refuse,
                            enough: ((UnsafeBufferPointer<UInt8>, Int, Int) -> Bool)? = nil) -> Result<Int, Refusal> {
        path.withCString {
            readCounted(cPath: $0, directoryFD: directoryFD, into: &bytes, limit: limit, overflow: overflow, enough: enough)
        }
    }

    /// The read itself, from a NUL-terminated path: probes that build paths
    /// as bytes (names need not be UTF-8) pass them without a `String`.
    /// `bytes` holds exactly the file's bytes on success and its count is
    /// returned. `enough(bytes, start, end)` is asked after each chunk with
    /// the bytes just read; true ends the read there (the caller has what it
    /// needs, e.g. the `cpu` lines at the head of `/proc/stat`).
    public func readCounted(cPath path: UnsafePointer<CChar>, directoryFD: Int32 = AT_FDCWD,
                            into bytes: inout [UInt8], limit: Int? = nil, overflow: Overflow = .refuse,
                            enough: ((UnsafeBufferPointer<UInt8>, Int, Int) -> Bool)? = nil) -> Result<Int, Refusal> {
        let limit = limit ?? self.limit
        bytes.removeAll(keepingCapacity: true)
        // O_NOCTTY: a terminal named by mistake must not become ours.
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY
        if !followsLinks { flags |= O_NOFOLLOW }
        let fd = openat(directoryFD, path, flags)
        if fd < 0 {
            let e = errno
            switch e {
            case ENOENT, ENOTDIR: return .failure(Refusal(.missing, errno: e))
            case ELOOP where !followsLinks: return .failure(Refusal(.notRegularFile("a symbolic link"), errno: e))
            case ENXIO: return .failure(Refusal(.notRegularFile("a socket or device"), errno: e))
            default: return .failure(Refusal(.unreadable(Self.errorText(e)), errno: e))
            }
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            return .failure(Refusal(.unreadable(Self.errorText(e)), errno: e))
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else { return .failure(Refusal(.notRegularFile(Self.kindName(kind)), errno: nil)) }
        guard overflow == .truncate || Int(st.st_size) <= limit else {
            return .failure(Refusal(.tooLarge(limit: limit), errno: nil))
        }
        return Self.readAll(fd, limit: limit, overflow: overflow, sizeHint: Int(st.st_size), into: &bytes, enough: enough)
    }

    /// Reads an already open stream (stdin for `-`) to its end, with the
    /// same limit. A pipe is fine here: the operator chose to feed it.
    public func readStream(_ fd: Int32) -> Result<[UInt8], Failure> {
        var bytes: [UInt8] = []
        return Self.readAll(fd, limit: limit, overflow: .refuse, sizeHint: 0, into: &bytes, enough: nil)
            .map { _ in bytes }.mapError(\.failure)
    }

    private static func readAll(_ fd: Int32, limit: Int, overflow: Overflow, sizeHint: Int, into bytes: inout [UInt8],
                                enough: ((UnsafeBufferPointer<UInt8>, Int, Int) -> Bool)?) -> Result<Int, Refusal> {
        // Up to one byte past the limit, so "too large" is seen without
        // reading more; a truncating read stops at the limit. Read until
        // end of file, so a file that grew since fstat is read on.
        let cap = overflow == .refuse ? limit + 1 : limit
        bytes.removeAll(keepingCapacity: true)
        // Each read lands in a scratch buffer and only what arrived is
        // appended: zero-filling a page-sized array before every read cost
        // more than the read of a small sysfs or proc file itself.
        // sizeHint is st_size (a sparse file can say Int.max): never added to.
        let chunk = Swift.max(1, Swift.min(cap, Swift.max(4096, sizeHint < (1 << 16) ? sizeHint + 1 : 1 << 16), 1 << 16))
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk) { scratch -> Result<Int, Refusal> in
            guard let base = scratch.baseAddress else { return .failure(Refusal(.unreadable("no buffer"), errno: nil)) }
            var used = 0
            while used < cap {
                let n = posixRead(fd, base, Swift.min(chunk, cap - used))
                if n < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    bytes.removeAll(keepingCapacity: true)
                    if e == EAGAIN || e == EWOULDBLOCK { return .failure(Refusal(.unreadable("it would block"), errno: e)) }
                    return .failure(Refusal(.unreadable(errorText(e)), errno: e))
                }
                if n == 0 { break }
                bytes.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
                let start = used
                used += n
                if let enough, used <= limit, bytes.withUnsafeBufferPointer({ enough($0, start, used) }) { break }
            }
            guard used <= limit else {
                bytes.removeAll(keepingCapacity: true)
                return .failure(Refusal(.tooLarge(limit: limit), errno: nil))
            }
            return .success(used)
        }
    }

    /// The kind of a non-regular file in words ("a FIFO").
    public static func kindName(_ kind: mode_t) -> String {
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

    /// `strerror` of an errno, for messages.
    public static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}

/// `read(2)`; named apart so the struct's own `read` methods do not hide it.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
