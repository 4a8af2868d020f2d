import BoundedFile
import TrackerCore
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
        SafeText.decode(root + [UInt8(ascii: "/")] + relative)
    }

    /// Calls `body` with the absolute path, NUL-terminated, built in a
    /// temporary buffer: the device loop and the fd scan make thousands of
    /// these per poll.
    func withCPath<T>(_ relative: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        let count = root.count + relative.count + 2
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { buffer in
            var i = 0
            for b in root { buffer[i] = b; i += 1 }
            buffer[i] = UInt8(ascii: "/"); i += 1
            for b in relative { buffer[i] = b; i += 1 }
            buffer[i] = 0
            guard let base = buffer.baseAddress else { return "".withCString(body) }
            return base.withMemoryRebound(to: CChar.self, capacity: count) { body($0) }
        }
    }

    /// A regular file's bytes, at most `limit` of them (sysfs and proc files
    /// report sizes that are not their content's, so the cap is on the read
    /// and a longer file is cut, not refused), read by `BoundedFileReader`.
    func bytes(_ relative: [UInt8], limit: Int = 1 << 20) -> Result<[UInt8], Failure> {
        var out: [UInt8] = []
        let result = withCPath(relative) {
            BoundedFileReader().readCounted(cPath: $0, into: &out, limit: limit, overflow: .truncate)
        }
        return Self.outcome(result, out)
    }

    private static func outcome(_ result: Result<Int, BoundedFileReader.Refusal>,
                                _ out: [UInt8]) -> Result<[UInt8], Failure> {
        switch result {
        case .success: return .success(out)
        case .failure(let refusal):
            // A process that exits between open and read: its files read
            // as ESRCH; the caller skips it like a missing one.
            if refusal.errno == ESRCH { return .failure(.missing) }
            switch refusal.failure {
            case .missing: return .failure(.missing)
            case .notRegularFile(let kind): return .failure(.special(kind))
            case .tooLarge, .unreadable: return .failure(.unreadable(refusal.errno.map(Self.errorText) ?? refusal.failure.words))
            }
        }
    }

    /// A small file under the open directory `base`, read as `bytes(_:limit:)`
    /// reads one, ending at the first read whose bytes end with a newline:
    /// a proc file of one line (`comm`) comes whole in one read, so the
    /// read that would find its end is spared.
    func line(at base: Int32, _ relative: UnsafePointer<CChar>, limit: Int) -> Result<[UInt8], Failure> {
        var out: [UInt8] = []
        let result = BoundedFileReader().readCounted(cPath: relative, directoryFD: base, into: &out, limit: limit,
                                                     overflow: .truncate) { bytes, _, end in
            end > 0 && bytes[end - 1] == UInt8(ascii: "\n")
        }
        return Self.outcome(result, out)
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
        guard let dir = withCPath(relative, { opendir($0) }) else { return nil }
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

    /// The directory at `relative`, opened for `*at` calls, or nil. The
    /// caller closes it.
    func openDirectory(_ relative: [UInt8]) -> Int32? {
        let fd = withCPath(relative) { open($0, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC) }
        return fd >= 0 ? fd : nil
    }

    /// The names in the open directory `fd` (not `.`/`..`), at most `limit`,
    /// unsorted, each handed to `body` as bytes without a copy; false when
    /// it cannot be listed. Reads through its own descriptor, so `fd`
    /// stays usable.
    func forEachName(in fd: Int32, limit: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        let own = openat(fd, ".", O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC)
        guard own >= 0 else { return false }
        guard let dir = fdopendir(own) else {
            close(own)
            return false
        }
        defer { closedir(dir) }
        var seen = 0
        while seen < limit, let entry = readdir(dir) {
            let skip = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Bool in
                let n = raw.firstIndex(of: 0) ?? raw.count
                let name = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                if n == 1 && name[0] == 0x2E || n == 2 && name[0] == 0x2E && name[1] == 0x2E { return true }
                body(name)
                return false
            }
            if !skip { seen += 1 }
        }
        return true
    }

    /// A symlink's target as written, or nil when the path is not a link.
    func linkTarget(_ relative: [UInt8]) -> [UInt8]? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 4096) { buffer -> [UInt8]? in
            guard let base = buffer.baseAddress else { return nil }
            let n = withCPath(relative) { readlink($0, base, 4096) }
            guard n > 0, n < 4096 else { return nil }
            return UnsafeRawBufferPointer(start: base, count: n).map { $0 }
        }
    }

    func linkTarget(_ relative: String) -> [UInt8]? { linkTarget(Array(relative.utf8)) }

    /// The last component of a link's target (a driver's name, a group number).
    func linkBasename(_ relative: String) -> String? {
        guard let target = linkTarget(relative) else { return nil }
        guard let last = target.split(separator: UInt8(ascii: "/")).last else { return nil }
        return SafeText.decode(Array(last))
    }

    /// The targets of the links in a directory that start with `prefix`,
    /// looking at no more than `limit` entries. Each link is read relative
    /// to the open directory (`readlinkat`), sparing the kernel a path walk
    /// per entry: the VFIO scan reads every descriptor of every process.
    /// `.missing` when the directory is gone (a process that exited).
    func linkTargets(in relative: [UInt8], startingWith prefix: [UInt8],
                     limit: Int) -> Result<(targets: [[UInt8]], looked: Int), Failure> {
        linkTargets(opened: withCPath(relative) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) },
                    startingWith: prefix, limit: limit)
    }

    /// As `linkTargets(in:startingWith:limit:)`, for `relative` under the
    /// open directory `base`.
    func linkTargets(at base: Int32, _ relative: UnsafePointer<CChar>, startingWith prefix: [UInt8],
                     limit: Int) -> Result<(targets: [[UInt8]], looked: Int), Failure> {
        linkTargets(opened: openat(base, relative, O_RDONLY | O_DIRECTORY | O_CLOEXEC), startingWith: prefix,
                    limit: limit)
    }

    /// `fd`: the directory just opened, or -1 with `errno` set.
    private func linkTargets(opened fd: Int32, startingWith prefix: [UInt8],
                             limit: Int) -> Result<(targets: [[UInt8]], looked: Int), Failure> {
        if fd < 0 {
            let e = errno
            return .failure(e == ENOENT || e == ESRCH ? .missing : .unreadable(Self.errorText(e)))
        }
        guard let dir = fdopendir(fd) else {
            let e = errno
            close(fd)
            return .failure(.unreadable(Self.errorText(e)))
        }
        defer { closedir(dir) }
        var targets: [[UInt8]] = []
        var looked = 0
        let capacity = 256
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            guard let base = buffer.baseAddress else { return }
            while looked < limit, let entry = readdir(dir) {
                let n = withUnsafePointer(to: &entry.pointee.d_name) { name -> Int in
                    name.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                        $0[0] == CChar(UInt8(ascii: ".")) ? -1 : readlinkat(fd, $0, base, capacity)
                    }
                }
                if n == -1, entry.pointee.d_name.0 == CChar(UInt8(ascii: ".")) { continue }
                looked += 1
                // A full buffer may be cut short; VFIO paths are short.
                guard n >= prefix.count, n < capacity else { continue }
                let target = UnsafeRawBufferPointer(start: base, count: n)
                if target.starts(with: prefix) { targets.append(Array(target)) }
            }
        }
        return .success((targets, looked))
    }

    /// `st_size` of what the path names (links followed), or nil.
    func size(_ relative: [UInt8]) -> Int? {
        if case .success(let size) = statSize(relative) { return size }
        return nil
    }

    /// `st_size` of what the path names (links followed); `.missing` when
    /// nothing is there (ENOENT, or ESRCH from a process that just exited).
    func statSize(_ relative: [UInt8]) -> Result<Int, Failure> {
        var st = stat()
        guard withCPath(relative, { stat($0, &st) }) == 0 else {
            let e = errno
            return .failure(e == ENOENT || e == ESRCH ? .missing : .unreadable(Self.errorText(e)))
        }
        return .success(Int(st.st_size))
    }

    /// `st_size` of `relative` under the open directory `base` (links
    /// followed), as `statSize(_:)`.
    func statSize(at base: Int32, _ relative: UnsafePointer<CChar>) -> Result<Int, Failure> {
        var st = stat()
        guard fstatat(base, relative, &st, 0) == 0 else {
            let e = errno
            return .failure(e == ENOENT || e == ESRCH ? .missing : .unreadable(Self.errorText(e)))
        }
        return .success(Int(st.st_size))
    }

    /// `st_size` of `relative` under the open directory `base` (links
    /// followed), or nil.
    func size(at base: Int32, _ relative: String) -> Int? {
        if case .success(let size) = statSize(at: base, relative) { return size }
        return nil
    }

    /// The identity of what the path names (links followed), or nil.
    func identity(_ relative: [UInt8]) -> PCIDirIdentity? {
        var st = stat()
        guard withCPath(relative, { stat($0, &st) }) == 0 else { return nil }
        return PCIDirIdentity(st)
    }

    /// `stat` of what the path names (links followed), or nil.
    func status(_ relative: [UInt8]) -> stat? {
        var st = stat()
        guard withCPath(relative, { stat($0, &st) }) == 0 else { return nil }
        return st
    }

    /// The file at `relative` opened read-only, non-blocking and
    /// close-on-exec, or nil. The caller closes it.
    func openReadOnly(_ relative: [UInt8]) -> Int32? {
        let fd = withCPath(relative) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        return fd >= 0 ? fd : nil
    }

    /// True when the path exists at all (lstat: a dangling link counts).
    func exists(_ relative: [UInt8]) -> Bool {
        var st = stat()
        return withCPath(relative) { lstat($0, &st) } == 0
    }

    func exists(_ relative: String) -> Bool { exists(Array(relative.utf8)) }

    static func errorText(_ code: Int32) -> String { BoundedFileReader.errorText(code) }
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
