#if canImport(Glibc)
import Glibc
#endif
import BoundedFile
import TrackerCore

/// The read of a poll whose devices all have kept facts (`PCIFactCache`):
/// for each device, what can change, then whether its directory is still
/// the one the facts were read from. A VF's files are read relative to
/// the directory holding its directory (the one its bus entry resolved
/// to, else the bus directory), opened once per poll (`ADDR/driver`,
/// `ADDR/net/...`), so the kernel walks the root's path, and the bus
/// entry's link, once per poll instead of once per file,
/// and no directory is opened and closed per device: a VF given to a
/// guest costs an `fstatat`, and a `readlinkat` of its `driver` where the
/// tree has no driver listings (`PCIBoundDrivers`).
///
/// The directory's identity is taken after its files are read: when it
/// still matches, the directory read is the one the facts were read from
/// (a directory removed cannot come back with the same inode and change
/// time), and when it was replaced during the reads, it does not match
/// and the poll falls back to the full scan, as when it was replaced
/// before.
///
/// A VF (not virtio) is read here in full: its `driver` link and its
/// `net/` names, and each interface's `flags`, which the device-use probe
/// of the same poll takes from the loader's record instead of opening the
/// file again by its full path. Other devices (PFs, virtio) are read by
/// `PCIProbe.readChanging` as on a full scan.
enum PCIKeptRead {
    /// The devices, or nil when a directory cannot be opened or is not the
    /// one the facts were read from: the caller then scans in full.
    /// Warnings are added only when the devices are returned, so a poll
    /// that falls back to the full scan does not repeat them.
    /// `listings`: the VFs' `net/` listings of the last poll, replaced by
    /// this poll's.
    /// `bound`: the driver directories' bindings, when the tree has them
    /// (`PCIBoundDrivers`); else each VF's `driver` link is read.
    /// `busIdentity`: the bus directory's when the facts were read; a
    /// bus directory changed since is not read through kept facts.
    static func devices(_ kept: [PCIFactCache.Facts], reader: SysfsReader, bound: PCIBoundDrivers?,
                        busIdentity: PCIDirIdentity?, warnings: inout ProbeWarnings,
                        flags: inout [String: [PCIPollRecord.Flag]],
                        listings: inout [String: PCINetListing]) -> [PCIDevice]? {
        let previous = listings
        listings = [:]
        let bus = open(reader.path(PCIProbe.busDir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard bus >= 0 else { return nil }
        defer { close(bus) }
        // A bus entry pointed elsewhere under the same name moves the bus
        // directory's change time: the resolved directories may be stale.
        var busStat = stat()
        guard let busIdentity, fstat(bus, &busStat) == 0, PCIDirIdentity(busStat) == busIdentity else { return nil }
        // The devices' parent directories, each opened once: a device is
        // reached without following its bus link for each file.
        var parents: [String: Int32] = [:]
        defer { for fd in parents.values { close(fd) } }
        var found = ProbeWarnings()
        var devices: [PCIDevice] = []
        devices.reserveCapacity(kept.count)
        var buffer: [UInt8] = []
        var path = PCIPathBuffer()
        // By index: a device's facts are read in place, not copied whole
        // (a device of a dozen strings, thousands per poll).
        for index in kept.indices {
            let name = kept[index].device.address
            // The directory holding the device's directory, and its name there.
            let dir: Int32
            if let resolved = kept[index].resolved {
                if let fd = parents[resolved.parent] {
                    dir = fd
                } else {
                    let fd = open(reader.path(resolved.parent), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    guard fd >= 0 else { return nil }
                    parents[resolved.parent] = fd
                    dir = fd
                }
                path.reset(to: resolved.name)
            } else {
                dir = bus
                path.reset(to: name)
            }
            var dev = kept[index].device
            let isVF = kept[index].isVF
            if isVF, dev.vendorID != "1af4" {
                switch bound?.driver(of: name) ?? .readLink {
                case .bound(let driver): dev.driver = driver
                case .unbound: dev.driver = nil
                case .readLink: dev.driver = path.with("/driver") { linkBasename(dir, $0) }.map(SafeText.escape)
                }
                // No netdev without a network driver (`vfMayHaveNetdev`).
                var interfaces: (names: [[UInt8]], flags: [PCIPollRecord.Flag]) = ([], [])
                if PCIProbe.vfMayHaveNetdev(driver: dev.driver) {
                    let read = self.interfaces(dir, &path, kept: previous[name], buffer: &buffer)
                    interfaces = (read.names, read.flags)
                    if let listing = read.listing { listings[name] = listing }
                }
                dev.netInterfaces = interfaces.names.isEmpty ? nil : interfaces.names.map(SafeText.decode)
                if !interfaces.flags.isEmpty { flags[name] = interfaces.flags }
                // A VF cannot have VFs (as `readChanging`).
                dev.sriovNumVFs = nil
                dev.devType = .vf
            } else {
                let dirPath = "\(PCIProbe.busDir)/\(name)"
                PCIProbe.readChanging(&dev, isVF: isVF, dir: dirPath, listed: reader.list(dirPath), reader: reader,
                                      bound: bound, warnings: &found)
            }
            // After the reads (see above). Followed: the bus entry is a link
            // to the device's directory on a live host. Anything but the
            // directory read (a FIFO planted in a captured tree, a new
            // directory) does not match.
            var st = stat()
            guard path.with("", { fstatat(dir, $0, &st, 0) }) == 0, PCIDirIdentity(st) == kept[index].identity else {
                return nil
            }
            devices.append(dev)
        }
        warnings.append(contentsOf: found)
        return devices
    }

    /// The last component of the link `name` in `dir` (as
    /// `SysfsReader.linkBasename`).
    private static func linkBasename(_ dir: Int32, _ name: UnsafePointer<CChar>) -> String? {
        let capacity = 4096
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer -> String? in
            guard let base = buffer.baseAddress else { return nil }
            let n = base.withMemoryRebound(to: CChar.self, capacity: capacity) { readlinkat(dir, name, $0, capacity - 1) }
            guard n > 0 else { return nil }
            // The last non-empty component, as splitting on "/" gives it,
            // found in place: this is a link per VF per poll.
            var end = n
            while end > 0, base[end - 1] == UInt8(ascii: "/") { end -= 1 }
            guard end > 0 else { return nil }
            var start = end
            while start > 0, base[start - 1] != UInt8(ascii: "/") { start -= 1 }
            return String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        }
    }

    /// The names under the device's `net/`, sorted as `SysfsReader.listRaw`
    /// sorts them (none when it is not a readable directory), the parsed
    /// `flags` of each whose file reads as a hex number, and the listing to
    /// keep for the next poll. `kept`: the last poll's listing; when the
    /// directory still matches it and every kept name's `flags` is there,
    /// the directory is not listed again (see `PCINetListing`).
    private static func interfaces(_ bus: Int32, _ path: inout PCIPathBuffer, kept: PCINetListing?, buffer: inout [UInt8])
        -> (names: [[UInt8]], flags: [PCIPollRecord.Flag], listing: PCINetListing?) {
        if let kept {
            var st = stat()
            if path.with("/net", { fstatat(bus, $0, &st, 0) }) == 0, kept.matches(st),
               let flags = keptFlags(bus, &path, kept.names, buffer: &buffer) {
                return (kept.names, flags, kept)
            }
        }
        let fd = path.with("/net", { openat(bus, $0, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC) })
        guard fd >= 0 else { return ([], [], nil) }
        // Taken before the listing: a change during it moves the time or
        // the count, and the next poll lists again.
        var st = stat()
        let stated = fstat(fd, &st) == 0
        guard let stream = fdopendir(fd) else {
            close(fd)
            return ([], [], nil)
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            names.append(bytes)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        var flags: [PCIPollRecord.Flag] = []
        for name in names {
            var relative = name
            relative.append(contentsOf: flagsSuffix)
            relative.append(0)
            let read = relative.withUnsafeBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { cPath in
                    cPath.baseAddress.map { readFlags(fd, $0, buffer: &buffer) } ?? .missing
                }
            }
            if case .value(let value) = read {
                flags.append(PCIPollRecord.Flag(name: name, flags: value))
            }
        }
        return (names, flags, stated ? PCINetListing(st, names: names) : nil)
    }

    /// The flags of each kept name, read through the bus directory as
    /// `ADDR/net/NAME/flags` (`path` holds the device), or nil when a
    /// name's `flags` is missing (the name may be gone: the caller lists
    /// the directory).
    private static func keptFlags(_ bus: Int32, _ path: inout PCIPathBuffer, _ names: [[UInt8]], buffer: inout [UInt8])
        -> [PCIPollRecord.Flag]? {
        var flags: [PCIPollRecord.Flag] = []
        flags.reserveCapacity(names.count)
        for name in names {
            switch path.withFlags(of: name, { readFlags(bus, $0, buffer: &buffer) }) {
            case .value(let value): flags.append(PCIPollRecord.Flag(name: name, flags: value))
            case .unusable: continue
            case .missing: return nil
            }
        }
        return flags
    }

    private static let flagsSuffix: [UInt8] = Array("/flags".utf8)

    /// A `flags` file read: its value, there but not taken (left to the
    /// device-use probe's own read), or missing.
    private enum FlagRead {
        case value(Int)
        case unusable
        case missing
    }

    /// Longest `flags` file taken from one read; a longer one is left to
    /// the device-use probe's own read.
    static let flagsLimit = 4095

    /// `NAME/flags` under the open `net/`, through `BoundedFileReader`
    /// (regular files only, opened without blocking). One `read` of up to
    /// `flagsLimit` bytes: a sysfs attribute gives its whole text to the
    /// first read, and a regular file gives less than asked only at its
    /// end, so a shorter read is the whole file. Unusable when it is not a
    /// regular file, does not fit or is not a hex number.
    private static func readFlags(_ dir: Int32, _ cPath: UnsafePointer<CChar>, buffer: inout [UInt8]) -> FlagRead {
        let read = BoundedFileReader(limit: flagsLimit).readCounted(
            cPath: cPath, directoryFD: dir, into: &buffer, limit: flagsLimit, overflow: .truncate,
            enough: { _, _, _ in true })
        switch read {
        case .failure(let refusal): return refusal.failure == .missing ? .missing : .unusable
        case .success(let count):
            guard count < flagsLimit else { return .unusable }
            if let value = plainHex(buffer.prefix(count)) { return .value(value) }
            guard let value = NetInterfaceScan.parseHex(String(decoding: buffer.prefix(count), as: UTF8.self).trimmedSysfs)
            else { return .unusable }
            return .value(value)
        }
    }

    /// The value of `0xHEX` with at most one newline after it, the form
    /// the kernel writes, parsed from the bytes without building a String
    /// (a file per VF per poll); nil for anything else, which is parsed
    /// as `NetInterfaceScan.parseHex` parses it. At most 15 digits, so it
    /// cannot overflow.
    static func plainHex(_ bytes: ArraySlice<UInt8>) -> Int? {
        var digits = bytes
        if digits.last == UInt8(ascii: "\n") { digits.removeLast() }
        guard digits.count > 2, digits.count <= 17, digits[digits.startIndex] == UInt8(ascii: "0"),
              digits[digits.startIndex + 1] == UInt8(ascii: "x") || digits[digits.startIndex + 1] == UInt8(ascii: "X")
        else { return nil }
        var value = 0
        for byte in digits.dropFirst(2) {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}
