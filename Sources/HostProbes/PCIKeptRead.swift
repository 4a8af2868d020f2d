#if canImport(Glibc)
import Glibc
#endif
import BoundedFile
import CPCI
import TrackerCore

/// The read of a poll whose devices all have kept facts (`PCIFactCache`):
/// for each device, what can change, then whether its directory is still
/// the one the facts were read from. A VF's files are read relative to
/// the directory holding its directory (the one its bus entry resolved
/// to, else the bus directory), opened once per poll (`ADDR/driver`,
/// `ADDR/net/...`), so the kernel walks the root's path, and the bus
/// entry's link, once per poll instead of once per file,
/// and no directory is opened and closed per device.
///
/// Whether each directory is still the one the facts were read from is
/// proved after the reads: when it is, the directory read is the one the
/// facts were read from, and when it was replaced during the reads, the
/// proof fails and the poll falls back to the full scan, as when it was
/// replaced before. A device reached through its bus entry is proved by a
/// `stat` of its directory (a directory removed cannot come back with the
/// same inode and change time); the devices under one parent directory
/// by one proof for all of them where the parent's filesystem allows it
/// (`PCIParentCheck`), else each by its own `stat`.
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
    /// `state`: what the last poll left (`PCIKeptState`), updated to this
    /// poll's read when the devices are returned.
    /// `bound`: the driver directories' bindings and their generation, when
    /// the tree has them (`PCIBoundDrivers`); else each VF's `driver` link
    /// is read.
    /// `forcedCheck`: the proof to use for every parent, whatever its
    /// filesystem; `restatAfter`: nanoseconds a parent's stamp may stand
    /// for its devices before they are each stat'ed again; `afterReads`: run between the reads and the proofs
    /// (tests: a tree changed during the reads).
    static func devices(_ state: inout PCIKeptState, reader: SysfsReader,
                        bound: (drivers: PCIBoundDrivers, generation: Int)?, forcedCheck: PCIParentCheck? = nil,
                        restatAfter: Int = PCIKeptParent.restatNanoseconds,
                        afterReads: (@Sendable () -> Void)? = nil, warnings: inout ProbeWarnings) -> [PCIDevice]? {
        let bus = open(reader.path(PCIProbe.busDir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard bus >= 0 else { return nil }
        defer { close(bus) }
        // A bus entry pointed elsewhere under the same name moves the bus
        // directory's change time: the resolved directories may be stale.
        // Checked again after the reads, by path, for an entry pointed
        // elsewhere during them (or the directory the path names replaced).
        guard let busIdentity = state.bus, identity(of: bus) == busIdentity else { return nil }
        // The devices' parent directories, each opened once: a device is
        // reached without following its bus link for each file.
        var parentFDs = [Int32](repeating: -1, count: state.parents.count)
        defer { for fd in parentFDs where fd >= 0 { close(fd) } }
        // The filesystem under each parent (`statfs`'s type), for its proof
        // and for how its files are read (`readFlags`).
        var parentTypes = [Int](repeating: -1, count: state.parents.count)
        let busType = Int(rs_fs_type(bus))
        var found = ProbeWarnings()
        let answers = bound.map { state.answers($0.drivers, generation: $0.generation) }
        // The last poll's devices, changed only where this poll reads
        // something else: unchanged, the array handed on is the same one.
        var devices = state.devices
        var buffer: [UInt8] = []
        var path = PCIPathBuffer()
        var flags: [PCIPollRecord.Flag] = []
        var flagsChanged = false
        var proofs = (stamp: 0, listing: 0, ownStat: 0)
        for index in state.names.indices {
            // The directory holding the device's directory, and its name
            // there (or the bus directory and its address).
            let parent = state.parentOf[index]
            let dir: Int32
            if parent >= 0 {
                if parentFDs[parent] < 0 {
                    let fd = open(reader.path(state.parents[parent].path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    guard fd >= 0 else { return nil }
                    parentFDs[parent] = fd
                    parentTypes[parent] = Int(rs_fs_type(fd))
                }
                dir = parentFDs[parent]
            } else {
                dir = bus
            }
            let onSysfs = (parent >= 0 ? parentTypes[parent] : busType) == PCIParentCheck.sysfsMagic
            path.reset(to: state.names[index])
            if state.plainVF[index] {
                let driver: String?
                let netdev: Bool
                switch answers?[index].answer ?? .readLink {
                case .bound(let name):
                    driver = name
                    netdev = answers?[index].netdev ?? PCIProbe.vfMayHaveNetdev(driver: name)
                case .unbound:
                    driver = nil
                    netdev = false
                case .readLink:
                    driver = path.with("/driver") { linkBasename(dir, $0) }.map(SafeText.escape)
                    netdev = PCIProbe.vfMayHaveNetdev(driver: driver)
                }
                if devices[index].driver != driver { devices[index].driver = driver }
                // No netdev without a network driver (`vfMayHaveNetdev`).
                var names: [String] = []
                flags.removeAll(keepingCapacity: true)
                if netdev {
                    names = interfaces(dir, &path, listing: &state.listings[index], onSysfs: onSysfs, flags: &flags,
                                       buffer: &buffer)
                } else if state.listings[index] != nil {
                    state.listings[index] = nil
                }
                let shown = names.isEmpty ? nil : names
                if devices[index].netInterfaces != shown { devices[index].netInterfaces = shown }
                if state.vfFlags[index] != flags {
                    state.vfFlags[index] = flags
                    flagsChanged = true
                }
                // A VF cannot have VFs (as `readChanging`).
                if devices[index].sriovNumVFs != nil { devices[index].sriovNumVFs = nil }
                if devices[index].devType != .vf { devices[index].devType = .vf }
            } else {
                let dirPath = "\(PCIProbe.busDir)/\(state.addresses[index])"
                var dev = devices[index]
                PCIProbe.readChanging(&dev, isVF: state.facts[index].isVF, dir: dirPath, listed: reader.list(dirPath),
                                      reader: reader, bound: bound?.drivers, warnings: &found)
                if dev != devices[index] { devices[index] = dev }
            }
            if parent < 0 {
                // Followed: the bus entry is a link to the device's
                // directory. Anything but the directory read (a FIFO planted
                // in a captured tree, a new directory) does not match.
                guard path.with("", { identity(in: dir, $0) }) == state.identities[index] else { return nil }
                proofs.ownStat += 1
            }
        }
        afterReads?()
        for parent in parentFDs.indices where parentFDs[parent] >= 0 {
            // The path still names the directory read through: one moved
            // away during the reads (its devices with it) is not proved by
            // its own listing or stamp.
            var st = stat()
            guard stat(reader.path(state.parents[parent].path), &st) == 0,
                  let opened = identity(of: parentFDs[parent]),
                  UInt64(st.st_dev) == opened.device, UInt64(st.st_ino) == opened.inode else { return nil }
            let check = forcedCheck ?? PCIParentCheck.of(filesystem: parentTypes[parent])
            guard prove(parent, fd: parentFDs[parent], check: check, restatAfter: restatAfter, state: &state,
                        proofs: &proofs)
            else { return nil }
        }
        guard PCIDirIdentity(path: reader.path(PCIProbe.busDir)) == busIdentity else { return nil }
        if flagsChanged {
            var byAddress: [String: [PCIPollRecord.Flag]] = [:]
            for index in state.vfFlags.indices where !state.vfFlags[index].isEmpty {
                byAddress[state.addresses[index]] = state.vfFlags[index]
            }
            state.flags = byAddress
        }
        state.devices = devices
        state.proofs = proofs
        warnings.append(contentsOf: found)
        return devices
    }

    /// Whether the devices under `parent` (open as `fd`) are still in the
    /// directories their facts were read from (`PCIParentCheck`); a parent
    /// whose stamp cannot prove it has each device stat'ed, and when they
    /// all match, the stamp taken before those stats is kept instead.
    private static func prove(_ parent: Int, fd: Int32, check: PCIParentCheck, restatAfter: Int,
                              state: inout PCIKeptState,
                              proofs: inout (stamp: Int, listing: Int, ownStat: Int)) -> Bool {
        let children = state.children[parent]
        switch check {
        case .listing:
            var st = stat()
            guard fstat(fd, &st) == 0, let inodes = directoryInodes(fd) else { return false }
            for index in children {
                guard let inode = inodes[state.names[index]], UInt64(st.st_dev) == state.identities[index].device,
                      inode == state.identities[index].inode else { return false }
            }
            proofs.listing += children.count
            return true
        case .stamp:
            let takenAt = PCIKeptParent.now()
            var st = stat()
            guard fstat(fd, &st) == 0 else { return false }
            let stamp = FileStamp(st)
            if state.parents[parent].proves(stamp, at: takenAt, restatAfter: restatAfter) {
                proofs.stamp += children.count
                return true
            }
            guard statEach(children, in: fd, state: state) else { return false }
            proofs.ownStat += children.count
            state.parents[parent] = PCIKeptParent(path: state.parents[parent].path, stamp: stamp, takenAt: takenAt)
            return true
        case .ownStat:
            guard statEach(children, in: fd, state: state) else { return false }
            proofs.ownStat += children.count
            return true
        }
    }

    /// Whether each of `children`'s directories in `dir` has its kept
    /// identity (followed, as the bus entry would be).
    private static func statEach(_ children: [Int], in dir: Int32, state: PCIKeptState) -> Bool {
        var path = PCIPathBuffer()
        for index in children {
            path.reset(to: state.names[index])
            guard path.with("", { identity(in: dir, $0) }) == state.identities[index] else { return false }
        }
        return true
    }

    /// The identity of the open directory `fd`.
    private static func identity(of fd: Int32) -> PCIDirIdentity? {
        var st = stat()
        return fstat(fd, &st) == 0 ? PCIDirIdentity(st) : nil
    }

    /// The identity of `name` in `dir`, links followed.
    private static func identity(in dir: Int32, _ name: UnsafePointer<CChar>) -> PCIDirIdentity? {
        var st = stat()
        return fstatat(dir, name, &st, 0) == 0 ? PCIDirIdentity(st) : nil
    }

    /// Each entry of the open directory `fd` and its inode as readdir gives
    /// it (`d_ino`), read through a duplicate so `fd` stays open; nil when
    /// it cannot be listed.
    private static func directoryInodes(_ fd: Int32) -> [String: UInt64]? {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return nil }
        guard let stream = fdopendir(copy) else {
            close(copy)
            return nil
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var inodes: [String: UInt64] = [:]
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            inodes[name] = UInt64(entry.pointee.d_ino)
        }
        return inodes
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
    /// sorts them and decoded as the snapshot shows them (none when it is
    /// not a readable directory), and the listing to keep for the next
    /// poll; `flags` gets the parsed `flags` of each name whose file reads
    /// as a hex number. `listing`: the last poll's listing, replaced by
    /// this poll's; when the directory still matches it and every kept
    /// name's `flags` is there, the directory is not listed again (see
    /// `PCINetListing`). In place: the usual poll changes nothing in it.
    private static func interfaces(_ bus: Int32, _ path: inout PCIPathBuffer, listing: inout PCINetListing?,
                                   onSysfs: Bool, flags: inout [PCIPollRecord.Flag], buffer: inout [UInt8])
        -> [String] {
        if let kept = listing?.names {
            var st = stat()
            if path.with("/net", { fstatat(bus, $0, &st, 0) }) == 0, listing?.matches(st) == true,
               keptFlags(bus, &path, kept, onSysfs: onSysfs, flags: &flags, buffer: &buffer) {
                return listing?.decoded ?? []
            }
            flags.removeAll(keepingCapacity: true)
        }
        listing = nil
        let fd = path.with("/net", { openat(bus, $0, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC) })
        guard fd >= 0 else { return [] }
        // Taken before the listing: a change during it moves the time or
        // the count, and the next poll lists again.
        var st = stat()
        let stated = fstat(fd, &st) == 0
        guard let stream = fdopendir(fd) else {
            close(fd)
            return []
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if bytes == [0x2E] || bytes == [0x2E, 0x2E] { continue }
            names.append(bytes)
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        for name in names {
            var relative = name
            relative.append(contentsOf: flagsSuffix)
            relative.append(0)
            let read = relative.withUnsafeBufferPointer { raw in
                raw.withMemoryRebound(to: CChar.self) { cPath in
                    cPath.baseAddress.map { readFlags(fd, $0, onSysfs: onSysfs, buffer: &buffer) } ?? .missing
                }
            }
            if case .value(let value) = read {
                flags.append(PCIPollRecord.Flag(name: name, flags: value))
            }
        }
        guard stated, let made = PCINetListing(st, names: names) else { return names.map(SafeText.decode) }
        listing = made
        return made.decoded
    }

    /// The flags of each kept name, read through the bus directory as
    /// `ADDR/net/NAME/flags` (`path` holds the device), appended to
    /// `flags`; false when a name's `flags` is missing (the name may be
    /// gone: the caller lists the directory).
    private static func keptFlags(_ bus: Int32, _ path: inout PCIPathBuffer, _ names: [[UInt8]], onSysfs: Bool,
                                  flags: inout [PCIPollRecord.Flag], buffer: inout [UInt8]) -> Bool {
        for name in names {
            switch path.withFlags(of: name, { readFlags(bus, $0, onSysfs: onSysfs, buffer: &buffer) }) {
            case .value(let value): flags.append(PCIPollRecord.Flag(name: name, flags: value))
            case .unusable: continue
            case .missing: return false
            }
        }
        return true
    }

    private static let flagsSuffix: [UInt8] = Array("/flags".utf8)

    /// A `flags` file read: its value, there but not taken (left to the
    /// device-use probe's own read), or missing.
    enum FlagRead: Equatable {
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
    /// `onSysfs`: `dir` is on sysfs, where every file under a device's
    /// directory is a kernel attribute (kernfs links lead only to kernfs
    /// nodes, and nothing is mounted under `devices/`): the file is read
    /// without the `fstat` that refuses a FIFO or device planted in a
    /// captured tree, one call fewer per interface per poll.
    static func readFlags(_ dir: Int32, _ cPath: UnsafePointer<CChar>, onSysfs: Bool, buffer: inout [UInt8])
        -> FlagRead {
        guard onSysfs else {
            let read = BoundedFileReader(limit: flagsLimit).readCounted(
                cPath: cPath, directoryFD: dir, into: &buffer, limit: flagsLimit, overflow: .truncate,
                enough: { _, _, _ in true })
            switch read {
            case .failure(let refusal): return refusal.failure == .missing ? .missing : .unusable
            case .success(let count):
                return buffer.withUnsafeBufferPointer { flagValue(UnsafeBufferPointer(rebasing: $0.prefix(count))) }
            }
        }
        let fd = openat(dir, cPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : .unusable }
        defer { close(fd) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: flagsLimit) { raw -> FlagRead in
            guard let base = raw.baseAddress else { return .unusable }
            let count = read(fd, base, flagsLimit)
            guard count >= 0 else { return .unusable }
            return flagValue(UnsafeBufferPointer(start: base, count: count))
        }
    }

    /// The value of a `flags` file's bytes, read whole.
    private static func flagValue(_ bytes: UnsafeBufferPointer<UInt8>) -> FlagRead {
        guard bytes.count < flagsLimit else { return .unusable }
        if let value = plainHex(bytes) { return .value(value) }
        guard let value = NetInterfaceScan.parseHex(String(decoding: bytes, as: UTF8.self).trimmedSysfs) else {
            return .unusable
        }
        return .value(value)
    }

    /// The value of `0xHEX` with at most one newline after it, the form
    /// the kernel writes, parsed from the bytes without building a String
    /// (a file per VF per poll); nil for anything else, which is parsed
    /// as `NetInterfaceScan.parseHex` parses it. At most 15 digits, so it
    /// cannot overflow.
    static func plainHex(_ bytes: ArraySlice<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer(plainHex)
    }

    /// `plainHex` of bytes read in place (no copy per VF per poll).
    static func plainHex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var digits = bytes[...]
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
