#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every file the probes read goes through one `SysfsReader`, so
/// `--root DIR` swaps the whole host: `read("sys/devices/system/cpu/online")`
/// reads `DIR/sys/devices/system/cpu/online`, or `/sys/...` on the live host.
///
/// Paths are relative to the root. sysfs has symlink cycles, so nothing here
/// walks a tree: the probes list the few directories they know by name
/// (`node/`, `cpu/`, `bus/pci/devices/`, a device's `net/`), `isDirectory`
/// and `isSymlink` use lstat, and links are only followed to read a file or
/// resolved to their target's name (`driver`, `physfn`, `iommu_group`).
public struct SysfsReader: Sendable {
    /// The root directory, without a trailing slash; "" means the live `/`.
    public let root: String

    public init(root: String?) {
        var r = root ?? ""
        while r.count > 1, r.hasSuffix("/") { r.removeLast() }
        self.root = r == "/" ? "" : r
    }

    public var isLive: Bool { root.isEmpty }

    /// The absolute path of a root-relative path.
    public func path(_ relative: String) -> String {
        root + "/" + relative
    }

    /// Why a read failed, in words for a warning.
    public enum Failure: Error, Equatable, Sendable {
        case missing
        case unreadable(String)

        public var words: String {
            switch self {
            case .missing: return "is missing"
            case .unreadable(let why): return "cannot be read (\(why))"
            }
        }
    }

    /// Reads a file's bytes; sysfs files are small, so the limit only guards
    /// against pointing the reader at something huge by mistake.
    public func bytes(_ relative: String, limit: Int = 4 << 20) -> Result<[UInt8], Failure> {
        let fd = open(path(relative), O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            return .failure(e == ENOENT || e == ENOTDIR ? .missing : .unreadable(Self.errorText(e)))
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while out.count < limit {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                return .failure(.unreadable(Self.errorText(e)))
            }
            if n == 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return .success(out)
    }

    /// A text file, decoded lossily (sysfs may hold any bytes) and trimmed of
    /// surrounding whitespace.
    public func text(_ relative: String) -> Result<String, Failure> {
        bytes(relative).map { String(decoding: $0, as: UTF8.self).trimmedSysfs }
    }

    /// The text of a file that may legitimately be absent.
    public func optionalText(_ relative: String) -> String? {
        if case .success(let s) = text(relative) { return s }
        return nil
    }

    /// Directory entries (not `.`/`..`), sorted, with raw bytes decoded
    /// lossily; nil when the path is not a readable directory. A link as the
    /// last component is listed (the `bus/pci/devices` entries are links to
    /// the real device directories); entries are never descended into.
    public func list(_ relative: String) -> [String]? {
        guard let dir = opendir(path(relative)) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Directory entries as raw bytes, for names that may not be UTF-8
    /// (network interfaces).
    public func listRaw(_ relative: String) -> [[UInt8]]? {
        guard let dir = opendir(path(relative)) else { return nil }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            names.append(bytes)
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private func lstatMode(_ relative: String) -> mode_t? {
        var st = stat()
        guard lstat(path(relative), &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    /// True when the path exists at all (a dangling link counts).
    public func exists(_ relative: String) -> Bool { lstatMode(relative) != nil }

    /// A real directory, not a link to one.
    public func isDirectory(_ relative: String) -> Bool { lstatMode(relative) == S_IFDIR }

    public func isSymlink(_ relative: String) -> Bool { lstatMode(relative) == S_IFLNK }

    /// A directory, or a link to one (follows the link once, by stat).
    public func isDirectoryOrLink(_ relative: String) -> Bool {
        var st = stat()
        guard stat(path(relative), &st) == 0 else { return false }
        return st.st_mode & S_IFMT == S_IFDIR
    }

    /// The target of a symlink as written (e.g. `../../../bus/pci/drivers/ixgbe`).
    public func linkTarget(_ relative: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let full = path(relative)
        let n = buffer.withUnsafeMutableBufferPointer { b -> Int in
            guard let base = b.baseAddress else { return -1 }
            return base.withMemoryRebound(to: CChar.self, capacity: b.count) { readlink(full, $0, b.count - 1) }
        }
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    /// The last path component of a symlink's target: a bound driver's name,
    /// an IOMMU group number, a PF's address.
    public func linkBasename(_ relative: String) -> String? {
        guard let target = linkTarget(relative) else { return nil }
        return target.split(separator: "/").last.map(String.init)
    }

    static func errorText(_ code: Int32) -> String {
        guard let s = strerror(code) else { return "errno \(code)" }
        return String(cString: s)
    }
}

extension String {
    /// Without the whitespace and newline sysfs files end with.
    var trimmedSysfs: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\0" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
