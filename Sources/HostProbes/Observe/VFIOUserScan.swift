#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TrackerCore
/// The processes that hold VFIO groups (or VFIO device files) open: every
/// `proc/PID/fd/*` link is read and those pointing at `/dev/vfio/N`,
/// `/dev/vfio/noiommu-N` or `/dev/vfio/devices/vfioX` are kept. The kernel
/// keeps no reverse map from a file to its openers, so this is what `fuser`
/// does; the caller runs it only when some device is bound to a VFIO driver.
///
/// Bounded: at most `maxProcesses` pids, `maxFDs` descriptors per pid and
/// `maxTotalFDs` in all are looked at; a scan cut short says so in `notes`. A process that exits
/// mid-scan is skipped; one whose `fd/` cannot be read (another user's,
/// without root) is counted, never taken as holding nothing.
struct VFIOUserScan: Sendable {
    /// What a descriptor points at.
    enum Target: Hashable, Sendable {
        /// `/dev/vfio/N` or `/dev/vfio/noiommu-N`: an IOMMU group.
        case group(Int)
        /// `/dev/vfio/devices/vfioX`: one device's cdev (iommufd).
        case device(String)
    }

    /// pid → comm (sanitised) and what it holds.
    struct User: Sendable, Equatable {
        var pid: Int32
        var comm: String
        var targets: Set<Target>
    }

    var users: [User] = []
    /// Pids whose `fd/` could not be read though they exist.
    var unreadablePids: [Int32] = []
    /// Pids whose `fd/` this scan listed (the rest were taken from the
    /// cache, or had none).
    var listedPids: [Int32] = []
    var notes: [String] = []

    static let maxProcesses = 200_000
    static let maxFDs = 1 << 20
    /// About a second of `readlink`s: past it the poll would stall.
    static let maxTotalFDs = 2_000_000

    /// Every process read afresh.
    static func scan(_ files: DeviceUseFiles) -> VFIOUserScan {
        var none: [Int32: VFIOScanCache.Entry] = [:]
        var noneMissing: [Int32: VFIOScanCache.WithoutFDs] = [:]
        var noListing: VFIOProcListing?
        var noWatch: VFIODirWatch?
        return scan(files, cache: nil, entries: &none, missing: &noneMissing, procListing: &noListing, watch: &noWatch,
                    now: 0)
    }

    /// Processes whose open files did not change since `cache` last read
    /// them are taken from it.
    static func scan(_ files: DeviceUseFiles, cache: VFIOScanCache) -> VFIOUserScan {
        cache.update { entries, missing, procListing, watch, now in
            scan(files, cache: cache, entries: &entries, missing: &missing, procListing: &procListing, watch: &watch,
                 now: now)
        }
    }

    /// `missing`: the processes seen without fd/, kept across polls (not
    /// rebuilt like `entries`: most processes of a captured tree).
    /// `procListing`: a captured tree's `proc` as last listed, replaced.
    /// `watch`: the watches on the processes in `missing`, replaced.
    private static func scan(_ files: DeviceUseFiles, cache: VFIOScanCache?, entries: inout [Int32: VFIOScanCache.Entry],
                             missing: inout [Int32: VFIOScanCache.WithoutFDs], procListing: inout VFIOProcListing?,
                             watch: inout VFIODirWatch?, now: Double) -> VFIOUserScan {
        var result = VFIOUserScan()
        var kept: [Int32: VFIOScanCache.Entry] = [:]
        kept.reserveCapacity(entries.count)
        defer { if cache != nil { entries = kept } }
        // Every process's files are reached from one open `proc`, so the
        // kernel walks the root's path once per scan, not once per file.
        let unlisted = "\(files.display(Array("proc".utf8))) cannot be listed: processes holding VFIO groups are not seen"
        guard let proc = files.openDirectory(Array("proc".utf8)) else {
            result.notes.append(unlisted)
            return result
        }
        // Closed however the scan ends: a listing that fails (EMFILE) must
        // not leave `proc` open for every later poll to trip over.
        defer { close(proc) }
        // A captured tree's `proc` is listed again only when it changed
        // (`VFIOProcListing`), or after `refreshAfter`: thousands of names
        // per poll otherwise.
        var procStat = stat()
        // Asked only by a kept scan, the one that looks at counts.
        let keepable = cache.map { _ in VFIOProcListing.isKeepable(proc) }
        let stamped = keepable == true && fstat(proc, &procStat) == 0
        // Since Linux 6.2 the size of a procfs fd/ is its number of open
        // descriptors: 0 is none at all (a kernel thread). Older kernels
        // report 0 for every process, this one's own too, which has `proc`
        // open right now.
        let countsKnown = keepable == false && files.size(at: proc, "self/fd").map { $0 > 0 } == true
        if stamped {
            watchChanges(&watch, missing: &missing, proc: procStat, limit: cache?.watchLimit)
        } else if watch != nil {
            // The processes the watches stood for are looked at again:
            // nothing reports their changes any more.
            missing = missing.filter { $0.value.identity != nil }
            watch = nil
        }
        let pids: [Int32]
        if stamped, let cache, let kept = procListing, now - kept.readAt < cache.refreshAfter, kept.matches(procStat) {
            pids = kept.pids
        } else {
            procListing = nil
            guard let listed = self.pids(in: proc, files: files) else {
                result.notes.append(unlisted)
                return result
            }
            pids = listed
            if stamped { procListing = VFIOProcListing(procStat, pids: listed, readAt: now) }
        }
        if pids.count > maxProcesses {
            result.notes.append("\(files.display(Array("proc".utf8))) has more than \(maxProcesses) processes: "
                                + "only the first \(maxProcesses) were looked at for VFIO groups")
        }
        let prefix = Array("/dev/vfio/".utf8)
        var budget = maxTotalFDs
        // "PID/fd", rewritten in place for each process.
        var fdDir = [CChar](repeating: 0, count: 24)
        // "PID/comm", made from it for a process holding something.
        var commDir = [CChar](repeating: 0, count: 24)
        for pid in pids.prefix(maxProcesses) {
            guard budget > 0 else {
                result.notes.append("more than \(maxTotalFDs) open files under \(files.display(Array("proc".utf8))): "
                                    + "processes after pid \(pid - 1) were not looked at for VFIO groups")
                break
            }
            // A captured process without fd/ (a capture records fd/ only
            // for processes holding something) is passed over while its
            // directory is the one seen without it: a missing name costs the
            // kernel a new lookup every time, a present one is cached. Looked
            // up first, before any path is written: most of a captured
            // tree's processes, and none of them has an entry.
            var written = false
            if let cache, let seen = missing[pid] {
                if now - seen.readAt < cache.refreshAfter {
                    // Watched, and its watch reported nothing.
                    guard let identity = seen.identity else { continue }
                    writeFDPath(pid, into: &fdDir)
                    written = true
                    if pidIdentity(proc, &fdDir) == identity { continue }
                }
                missing[pid] = nil
            }
            if !written { writeFDPath(pid, into: &fdDir) }
            var fdCount: Int?
            // A process that held a VFIO file is listed again whatever its
            // count: its count is not looked at (it is kept as unknown,
            // which no later count matches, so once it holds nothing it is
            // listed again and its count taken then).
            let holder = cache != nil && entries[pid]?.user != nil
            if cache != nil, !holder {
                switch files.statSize(at: proc, fdDir) {
                case .success(let count): fdCount = count
                // Exited since the listing (or a captured process with no
                // fd/): it holds nothing, as when the directory cannot be
                // opened below; the open is spared.
                case .failure(.missing):
                    // The watch is made, or the identity taken, before fd/
                    // is looked for again, so an fd/ made after that look
                    // is reported to it, or changes the identity.
                    let watched = watch.map { addWatch($0, files: files, pid: pid, fdPath: fdDir) } ?? false
                    let seen = watched ? nil : pidIdentity(proc, &fdDir)
                    if watched || seen != nil, case .failure(.missing) = files.statSize(at: proc, fdDir) {
                        missing[pid] = VFIOScanCache.WithoutFDs(identity: seen, readAt: now)
                    }
                    continue
                case .failure: fdCount = nil
                }
            }
            if countsKnown, fdCount == 0 {
                // No descriptors at all (a kernel thread): nothing to list.
                continue
            }
            if let cache, let entry = cache.fresh(entries[pid], fdCount: fdCount, now: now) {
                kept[pid] = entry
                if let user = entry.user { result.users.append(user) }
                continue
            }
            let links: [[UInt8]]
            result.listedPids.append(pid)
            switch files.linkTargets(at: proc, fdDir, startingWith: prefix, limit: maxFDs) {
            case .success(let found):
                links = found.targets
                budget -= found.looked
            case .failure(.missing):
                // Exited since the listing: it holds nothing any more.
                continue
            case .failure:
                // Still there but unreadable: the caller must not call
                // its groups free.
                result.unreadablePids.append(pid)
                continue
            }
            var targets: Set<Target> = []
            for link in links {
                if let target = parse(Array(link[prefix.count...])) { targets.insert(target) }
            }
            guard !targets.isEmpty else {
                if fdCount != nil || holder {
                    kept[pid] = VFIOScanCache.Entry(fdCount: fdCount ?? -1, readAt: now, user: nil)
                }
                continue
            }
            // A process that exits between its fds and its comm is gone:
            // it holds nothing any more.
            guard case .success(let comm) = commPath(fdDir, into: &commDir, { files.line(at: proc, $0, limit: 256) })
            else { continue }
            var name = comm
            while let last = name.last, last == UInt8(ascii: "\n") { name.removeLast() }
            let user = User(pid: pid, comm: SafeText.decode(name), targets: targets)
            result.users.append(user)
            if fdCount != nil || holder {
                kept[pid] = VFIOScanCache.Entry(fdCount: fdCount ?? -1, readAt: now, user: user)
            }
        }
        // Pids gone since they were seen without fd/ are forgotten once
        // they outnumber the listing (a reused pid is a new directory,
        // which its identity already tells).
        if missing.count > pids.count + 1_024 {
            let listed = Set(pids)
            missing = missing.filter { listed.contains($0.key) }
        }
        return result
    }

    /// Takes the changes the watches on processes without fd/ reported
    /// since the last scan: each such process is looked at again. Every
    /// watched process is, when `proc` is not the directory watched or
    /// the kernel lost changes; a new watch is made when there is none.
    private static func watchChanges(_ watch: inout VFIODirWatch?, missing: inout [Int32: VFIOScanCache.WithoutFDs],
                                     proc: stat, limit: Int?) {
        if let current = watch, current.isUnder(proc), let changed = current.changed() {
            for pid in changed { missing[pid] = nil }
            return
        }
        if watch != nil { missing = missing.filter { $0.value.identity != nil } }
        watch = limit.map { VFIODirWatch(proc: proc, limit: $0) } ?? VFIODirWatch(proc: proc)
    }

    /// Watches the directory of `pid` (`fdPath` is its `PID/fd`, cut at
    /// its slash for the call) under the scan's `proc`.
    private static func addWatch(_ watch: VFIODirWatch, files: DeviceUseFiles, pid: Int32,
                                 fdPath: [CChar]) -> Bool {
        guard let slash = fdPath.firstIndex(of: CChar(UInt8(ascii: "/"))) else { return false }
        var relative = Array("proc/".utf8)
        relative.append(contentsOf: fdPath[..<slash].map { UInt8(bitPattern: $0) })
        return files.withCPath(relative) { watch.add($0, pid: pid) }
    }

    /// The identity of the process directory `PID` of `fdPath` (`PID/fd`)
    /// under the open `proc`, or nil when it cannot be stat'ed. Adding or
    /// removing an entry in it (an fd/ made in a captured tree) moves its
    /// change time.
    static func pidIdentity(_ proc: Int32, _ fdPath: inout [CChar]) -> PCIDirIdentity? {
        // `PID/fd` cut at its slash for the call, then put back.
        guard let slash = fdPath.firstIndex(of: CChar(UInt8(ascii: "/"))) else { return nil }
        fdPath[slash] = 0
        defer { fdPath[slash] = CChar(UInt8(ascii: "/")) }
        var st = stat()
        guard fstatat(proc, fdPath, &st, 0) == 0 else { return nil }
        return PCIDirIdentity(st)
    }

    /// Calls `body` with `PID/comm`, written into `path` from `fdPath`
    /// (`PID/fd`).
    static func commPath<T>(_ fdPath: [CChar], into path: inout [CChar], _ body: (UnsafePointer<CChar>) -> T) -> T {
        var i = 0
        while i < fdPath.count, fdPath[i] != CChar(UInt8(ascii: "/")) { path[i] = fdPath[i]; i += 1 }
        for byte in "/comm".utf8 { path[i] = CChar(bitPattern: byte); i += 1 }
        path[i] = 0
        return path.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return "".withCString(body) }
            return body(base)
        }
    }

    /// Writes `PID/fd` and a NUL into `path` (24 bytes hold any pid).
    static func writeFDPath(_ pid: Int32, into path: inout [CChar]) {
        var count = 1
        var rest = Int(pid) / 10
        while rest > 0 { count += 1; rest /= 10 }
        var v = Int(pid)
        for i in stride(from: count - 1, through: 0, by: -1) {
            path[i] = CChar(0x30 + v % 10)
            v /= 10
        }
        path[count] = CChar(UInt8(ascii: "/"))
        path[count + 1] = CChar(UInt8(ascii: "f"))
        path[count + 2] = CChar(UInt8(ascii: "d"))
        path[count + 3] = 0
    }

    /// The pids listed in the open `proc` (at most `maxProcesses` + 1,024
    /// entries looked at), in the order of their names' bytes, as a sorted
    /// listing gives them: "1000" before "999". nil when it cannot be listed.
    static func pids(in proc: Int32, files: DeviceUseFiles) -> [Int32]? {
        // The pid scaled to ten digits, then its digit count in the low
        // four bits: plain integers that sort as the names do, a name
        // before the longer names it begins ("10" < "100").
        var keys: [UInt64] = []
        let listed = files.forEachName(in: proc, limit: maxProcesses + 1_024) { name in
            guard !name.isEmpty, name.count <= 10, name.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
            var value: UInt64 = 0
            for digit in name { value = value * 10 + UInt64(digit - 0x30) }
            guard value > 0, value <= UInt64(Int32.max) else { return }
            for _ in name.count..<10 { value *= 10 }
            keys.append(value << 4 | UInt64(name.count))
        }
        guard listed else { return nil }
        keys.sort()
        return keys.map { key in
            var value = key >> 4
            for _ in Int(key & 0xF)..<10 { value /= 10 }
            return Int32(value)
        }
    }

    /// `42`, `noiommu-42`, `devices/vfio3`; nil for `/dev/vfio/vfio` (the
    /// container, shared by every group) and anything else.
    static func parse(_ rest: [UInt8]) -> Target? {
        let s = String(decoding: rest, as: UTF8.self)
        if let n = Int(s), n >= 0 { return .group(n) }
        if s.hasPrefix("noiommu-"), let n = Int(s.dropFirst(8)), n >= 0 { return .group(n) }
        if s.hasPrefix("devices/vfio"), Int(s.dropFirst(12)) != nil, !s.dropFirst(8).contains("/") {
            return .device(String(s.dropFirst(8)))
        }
        return nil
    }
}
