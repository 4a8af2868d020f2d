#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BoundedFile

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
    public typealias Failure = BoundedFileReader.Failure

    /// Reads a file's bytes through `BoundedFileReader`: a FIFO, device or
    /// socket planted in a captured tree is a failure (a warning for the
    /// probe), never a read that hangs. sysfs files are small, so the limit
    /// only guards against pointing the reader at something huge by mistake.
    /// Links are followed: captured trees may hold them, and what they point
    /// at must still be a regular file.
    public func bytes(_ relative: String, limit: Int = BoundedFileReader.maxSysfsBytes) -> Result<[UInt8], Failure> {
        BoundedFileReader(limit: limit).read(path(relative))
    }

    /// A text file, decoded lossily (sysfs may hold any bytes) and trimmed of
    /// surrounding whitespace.
    public func text(_ relative: String) -> Result<String, Failure> {
        bytes(relative).map { String(decoding: $0, as: UTF8.self).trimmedSysfs }
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

    /// The directory's entry names (not `.`/`..`) as one byte string, each
    /// name followed by a NUL, in the order the directory gives them; nil
    /// when the path is not a readable directory. One buffer, so a listing
    /// of thousands of entries can be compared with an earlier one at the
    /// cost of a memory compare (`sortedNames(ofListing:)` gives `list`'s
    /// answer from it).
    public func listing(_ relative: String) -> [UInt8]? {
        guard let dir = opendir(path(relative)) else { return nil }
        defer { closedir(dir) }
        var out: [UInt8] = []
        while let entry = readdir(dir) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let name = raw.prefix { $0 != 0 }
                if name.elementsEqual([0x2E]) || name.elementsEqual([0x2E, 0x2E]) { return }
                out.append(contentsOf: name)
                out.append(0)
            }
        }
        return out
    }

    /// `list`'s answer for a `listing`: the names decoded lossily, sorted.
    public static func sortedNames(ofListing listing: [UInt8]) -> [String] {
        listing.split(separator: 0, omittingEmptySubsequences: true)
            .map { String(decoding: $0, as: UTF8.self) }.sorted()
    }

    /// True when `list` would list the path (it opens as a directory),
    /// without reading its entries.
    public func isListable(_ relative: String) -> Bool {
        guard let dir = opendir(path(relative)) else { return false }
        closedir(dir)
        return true
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

    /// What the path is when it is neither a regular file nor a directory
    /// (a FIFO, socket or device, links followed), e.g. "a FIFO"; nil for
    /// files, directories and paths that do not resolve. For trees handed
    /// to libpci, which opens files itself with a blocking open.
    public func specialFileKind(_ relative: String) -> String? {
        var st = stat()
        guard stat(path(relative), &st) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        return kind == S_IFREG || kind == S_IFDIR ? nil : BoundedFileReader.kindName(kind)
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
        withLinkTarget(relative) { String(decoding: $0, as: UTF8.self) }
    }

    /// The last path component of a symlink's target: a bound driver's name,
    /// an IOMMU group number, a PF's address. Split on the bytes: the
    /// snapshot reads a link per device per poll, and splitting a String
    /// walks it by grapheme.
    public func linkBasename(_ relative: String) -> String? {
        withLinkTarget(relative) { target -> String? in
            target.split(separator: UInt8(ascii: "/")).last.map { String(decoding: $0, as: UTF8.self) }
        } ?? nil
    }

    /// `body` over the link's target bytes, read into a scratch buffer;
    /// nil when the path is not a readable link.
    private func withLinkTarget<T>(_ relative: String, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        let capacity = 4096
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> T? in
            guard let base = buffer.baseAddress else { return nil }
            let n = base.withMemoryRebound(to: CChar.self, capacity: capacity) { readlink(path(relative), $0, capacity - 1) }
            guard n > 0 else { return nil }
            return body(UnsafeBufferPointer(start: base, count: n))
        }
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
