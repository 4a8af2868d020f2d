#if canImport(Glibc)
import Glibc
#endif
import BoundedFile
import TrackerCore

/// The read of a poll whose devices all have kept facts (`PCIFactCache`):
/// for each device, whether its directory is still the one the facts were
/// read from, then what can change. Everything is read relative to open
/// directories (the bus directory once, each device's directory once), so
/// the kernel walks the root's path and the bus link once per device
/// instead of once per file: on a host of thousands of VFs that walk was
/// most of the snapshot's system time.
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
    static func devices(_ kept: [PCIFactCache.Facts], reader: SysfsReader, warnings: inout ProbeWarnings,
                        flags: inout [String: [PCIPollRecord.Flag]],
                        listings: inout [String: PCINetListing]) -> [PCIDevice]? {
        let previous = listings
        listings = [:]
        let bus = open(reader.path(PCIProbe.busDir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard bus >= 0 else { return nil }
        defer { close(bus) }
        var found = ProbeWarnings()
        var devices: [PCIDevice] = []
        devices.reserveCapacity(kept.count)
        var buffer: [UInt8] = []
        for facts in kept {
            let name = facts.device.address
            // O_DIRECTORY: anything but a directory (a FIFO planted in a
            // captured tree) fails the open at once. The identity is taken
            // before any file in it is read.
            let dir = openat(bus, name, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC)
            guard dir >= 0 else { return nil }
            defer { close(dir) }
            var st = stat()
            guard fstat(dir, &st) == 0, PCIDirIdentity(st) == facts.identity else { return nil }
            var dev = facts.device
            if facts.isVF, dev.vendorID != "1af4" {
                dev.driver = linkBasename(dir, "driver").map(SafeText.escape)
                // No netdev without a network driver (`vfMayHaveNetdev`).
                var interfaces: (names: [[UInt8]], flags: [PCIPollRecord.Flag]) = ([], [])
                if PCIProbe.vfMayHaveNetdev(driver: dev.driver) {
                    let read = self.interfaces(dir, kept: previous[name], buffer: &buffer)
                    interfaces = (read.names, read.flags)
                    if let listing = read.listing { listings[name] = listing }
                }
                dev.netInterfaces = interfaces.names.isEmpty ? nil : interfaces.names.map(SafeText.decode)
                if !interfaces.flags.isEmpty { flags[name] = interfaces.flags }
                // A VF cannot have VFs (as `readChanging`).
                dev.sriovNumVFs = nil
                dev.devType = .vf
            } else {
                let path = "\(PCIProbe.busDir)/\(name)"
                PCIProbe.readChanging(&dev, isVF: facts.isVF, dir: path, listed: reader.list(path), reader: reader,
                                      warnings: &found)
            }
            devices.append(dev)
        }
        warnings.append(contentsOf: found)
        return devices
    }

    /// The last component of the link `name` in `dir` (as
    /// `SysfsReader.linkBasename`).
    private static func linkBasename(_ dir: Int32, _ name: String) -> String? {
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
    private static func interfaces(_ dir: Int32, kept: PCINetListing?, buffer: inout [UInt8])
        -> (names: [[UInt8]], flags: [PCIPollRecord.Flag], listing: PCINetListing?) {
        if let kept {
            var st = stat()
            if fstatat(dir, "net", &st, 0) == 0, kept.matches(st),
               let flags = keptFlags(dir, kept.names, buffer: &buffer) {
                return (kept.names, flags, kept)
            }
        }
        let fd = openat(dir, "net", O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC)
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
            if case .value(let value) = readFlags(fd, name, buffer: &buffer) {
                flags.append(PCIPollRecord.Flag(name: name, flags: value))
            }
        }
        return (names, flags, stated ? PCINetListing(st, names: names) : nil)
    }

    /// The flags of each kept name, read through the device directory, or
    /// nil when a name's `flags` is missing (the name may be gone: the
    /// caller lists the directory).
    private static func keptFlags(_ dir: Int32, _ names: [[UInt8]], buffer: inout [UInt8]) -> [PCIPollRecord.Flag]? {
        var flags: [PCIPollRecord.Flag] = []
        for name in names {
            switch readFlags(dir, netPrefix + name, buffer: &buffer) {
            case .value(let value): flags.append(PCIPollRecord.Flag(name: name, flags: value))
            case .unusable: continue
            case .missing: return nil
            }
        }
        return flags
    }

    private static let netPrefix: [UInt8] = Array("net/".utf8)

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
    private static func readFlags(_ net: Int32, _ name: [UInt8], buffer: inout [UInt8]) -> FlagRead {
        var path = name
        path.append(contentsOf: Array("/flags".utf8))
        path.append(0)
        let read = path.withUnsafeBufferPointer { raw -> Result<Int, BoundedFileReader.Refusal> in
            raw.withMemoryRebound(to: CChar.self) { cPath -> Result<Int, BoundedFileReader.Refusal> in
                guard let base = cPath.baseAddress else { return .failure(BoundedFileReader.Refusal(.missing, errno: nil)) }
                return BoundedFileReader(limit: flagsLimit).readCounted(
                    cPath: base, directoryFD: net, into: &buffer, limit: flagsLimit, overflow: .truncate,
                    enough: { _, _, _ in true })
            }
        }
        switch read {
        case .failure(let refusal): return refusal.failure == .missing ? .missing : .unusable
        case .success(let count):
            guard count < flagsLimit,
                  let value = NetInterfaceScan.parseHex(String(decoding: buffer.prefix(count), as: UTF8.self).trimmedSysfs)
            else { return .unusable }
            return .value(value)
        }
    }
}
