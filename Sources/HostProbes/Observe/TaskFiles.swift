#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reads the task scanner makes under `/proc` and `/sys/fs/cgroup`, live
/// or on a captured root, with the errno kept: ENOENT/ESRCH mean a task
/// vanished mid-scan, EACCES/EPERM that it belongs to someone we may not
/// look at, and the two are reported differently.
///
/// Only regular files are read. A captured root can hold anything, and a
/// FIFO or device opened plainly blocks or has side effects, so opens are
/// non-blocking and whatever `fstat` does not call a regular file is refused
/// before a byte is read. Reads stop at `maxBytes` (`status` is a few KiB).
///
/// `fault` lets tests fail chosen paths with an errno: root reads another
/// user's `/proc/PID` whatever its mode, so "not visible" cannot be made
/// with chmod.
struct TaskFiles: Sendable {
    /// Without a trailing slash; "" is the live `/`.
    let root: String
    let fault: (@Sendable (String) -> Int32?)?
    let maxBytes: Int

    init(root: String?, fault: (@Sendable (String) -> Int32?)? = nil, maxBytes: Int = 64 << 10) {
        self.root = SysfsReader(root: root).root
        self.fault = fault
        self.maxBytes = maxBytes
    }

    var isLive: Bool { root.isEmpty }

    enum Failure: Error, Equatable {
        case errno(Int32)
        /// A FIFO, socket, device or directory where a file was expected.
        case notRegular

        /// The task is gone (or its directory never was): skip it silently.
        var isGone: Bool {
            if case .errno(let e) = self { return e == ENOENT || e == ESRCH || e == ENOTDIR }
            return false
        }

        /// Another user's task: report "not visible", never free.
        var isDenied: Bool {
            if case .errno(let e) = self { return e == EACCES || e == EPERM }
            return false
        }

        var words: String {
            switch self {
            case .errno(let e): return SysfsReader.errorText(e)
            case .notRegular: return "not a regular file"
            }
        }
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    /// The bytes of a regular file, at most `maxBytes`.
    func contents(_ relative: String) -> Result<[UInt8], Failure> {
        var buffer: [UInt8] = []
        return read(relative, into: &buffer).map { Array(buffer[0..<$0]) }
    }

    /// Reads a regular file into the start of `buffer` (grown as needed,
    /// reused across calls so a scan of 100,000 files does not allocate
    /// for each) and returns the number of bytes read, at most `maxBytes`.
    func read(_ relative: String, into buffer: inout [UInt8]) -> Result<Int, Failure> {
        if let e = fault?(relative) { return .failure(.errno(e)) }
        return path(relative).withCString { TaskFileRead.read($0, relativeTo: AT_FDCWD, limit: maxBytes, into: &buffer) }
    }

    /// True when the path exists (lstat: a dangling link counts).
    func exists(_ relative: String) -> Bool {
        if fault?(relative) != nil { return false }
        var st = stat()
        return lstat(path(relative), &st) == 0
    }

    /// The entries of a directory whose names are decimal numbers (pids,
    /// tids), in the order the directory gives them.
    func numericEntries(_ relative: String) -> Result<[Int32], Failure> {
        entries(relative) { name, _ in
            var value: Int32 = 0
            guard !name.isEmpty, name.count <= 9 else { return nil }
            for b in name {
                guard b >= 0x30, b <= 0x39 else { return nil }
                value = value * 10 + Int32(b - 0x30)
            }
            return value > 0 ? value : nil
        }
    }

    /// The raw names of the real subdirectories (not links) of a directory.
    func subdirectories(_ relative: String) -> Result<[[UInt8]], Failure> {
        let base = path(relative)
        return entries(relative) { name, type in
            switch Int32(type) {
            case Int32(DT_DIR): return name
            case Int32(DT_UNKNOWN):
                var st = stat()
                let full = base + "/" + String(decoding: name, as: UTF8.self)
                return lstat(full, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR ? name : nil
            default: return nil
            }
        }
    }

    private func entries<T>(_ relative: String, _ keep: ([UInt8], UInt8) -> T?) -> Result<[T], Failure> {
        if let e = fault?(relative) { return .failure(.errno(e)) }
        guard let dir = opendir(path(relative)) else { return .failure(.errno(errno)) }
        defer { closedir(dir) }
        var out: [T] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                // A directory of a task that exited while being listed
                // ends early; what was listed still counts.
                break
            }
            let type = entry.pointee.d_type
            let kept = withUnsafeBytes(of: entry.pointee.d_name) { raw -> T? in
                let name = Array(raw.prefix { $0 != 0 })
                if name == [0x2E] || name == [0x2E, 0x2E] { return nil }
                return keep(name, type)
            }
            if let kept { out.append(kept) }
        }
        return .success(out)
    }
}
