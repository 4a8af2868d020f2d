import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The mount table and the block-device scan, kept between the polls of one
/// long-lived observer (the dashboard): mounts and disks rarely change, and
/// parsing `mountinfo` and walking `sys/block` on every poll were most of
/// the device-use probe's cost on an idle host.
///
/// The table is read again only when a change is signalled:
/// - live host: the kernel marks an open `/proc/self/mountinfo` with
///   POLLPRI|POLLERR when the mount namespace's table changes (proc(5)), so
///   one descriptor is kept open and polled with a zero timeout. The poll
///   itself re-arms the mark. If the file cannot be opened or polled, the
///   table is read on every poll, as without the cache.
/// - captured root: when the file's identity (device, inode, size, mtime,
///   ctime) differs from the one taken before it was last read.
/// - a table from the `proc/mounts` fallback is never kept.
/// `proc/swaps` is small and `swapon` moves no mount: it is read every poll.
///
/// The block-device scan is run again when the table was re-read, the swap
/// areas or the wanted controllers differ, or the names under `sys/block`
/// differ (a disk, dm or md device added or removed), and at least every
/// `blockRefreshAfter` seconds; else its last result is reused. The refresh
/// bounds what no signal here shows: a disk that joins an existing md array
/// or dm table gets a holder without any name under `sys/block` changing.
/// A one-shot command builds a new observer and reads everything.
final class MountTableCache: Sendable {
    /// What the watch on the mount table says since the last look.
    enum Signal: Sendable, Equatable {
        case unchanged
        case changed
        /// Nothing to watch, or the watch failed: read again.
        case unknown
    }

    struct BlockKey: Sendable, Equatable {
        var generation: Int
        var swaps: Set<String>
        var wanted: Set<String>
        var names: [[UInt8]]
    }

    private struct State: Sendable {
        /// The open `mountinfo` of the live host, or -1.
        var watch: Int32 = -1
        var identity: FileStamp?
        /// The kept table (without swaps).
        var table: MountTable?
        /// Counts the tables read, so the block scan knows its input moved.
        var generation = 0
        var mountinfoReads = 0
        var blocks: (key: BlockKey, scan: BlockDeviceScan, at: Double)?
    }

    private let state = Mutex(State())
    /// Polls the live watch; replaced by tests to inject a kernel event.
    private let pollWatch: @Sendable (Int32) -> Signal
    let blockRefreshAfter: Double

    init(blockRefreshAfter: Double = 30,
         pollWatch: @escaping @Sendable (Int32) -> Signal = MountTableCache.pollOnce) {
        self.blockRefreshAfter = blockRefreshAfter
        self.pollWatch = pollWatch
    }

    deinit {
        state.withLock { s in
            if s.watch >= 0 { close(s.watch) }
            s.watch = -1
        }
    }

    /// How many times `mountinfo` has been read through this cache (tests).
    var mountinfoReads: Int { state.withLock { $0.mountinfoReads } }

    /// The mount table as it is now, swaps included, and whether the mount
    /// part was read in this call.
    func read(_ files: DeviceUseFiles, notes: inout [String]) -> (table: MountTable, reread: Bool) {
        var swapNotes: [String] = []
        let result = state.withLock { s -> (MountTable, Bool) in
            let signal: Signal
            var identity: FileStamp?
            let path = Array(MountTable.mountinfo.utf8)
            if files.isLive {
                if s.table != nil, s.watch >= 0 {
                    signal = pollWatch(s.watch)
                } else {
                    // Opened before the read: a change after this point is
                    // signalled on the next poll.
                    if s.watch < 0, let fd = files.openReadOnly(path) { s.watch = fd }
                    signal = .unknown
                }
                if signal == .unknown, s.table != nil, s.watch >= 0 {
                    // The watch failed: drop it; it is opened again next poll.
                    close(s.watch)
                    s.watch = -1
                }
            } else {
                // Taken before the read: a write in between is a miss next
                // poll, never a stale table.
                identity = files.status(path).map(FileStamp.init)
                signal = identity != nil && identity == s.identity ? .unchanged : .unknown
            }
            var table: MountTable
            var reread = false
            if signal == .unchanged, let kept = s.table {
                table = kept
            } else {
                table = MountTable.readMounts(files)
                reread = true
                s.generation += 1
                if table.fromMountinfo { s.mountinfoReads += 1 }
                let keep = table.fromMountinfo && (files.isLive ? s.watch >= 0 : identity != nil)
                s.table = keep ? table : nil
                s.identity = keep ? identity : nil
            }
            table.readSwaps(files, notes: &swapNotes)
            return (table, reread)
        }
        notes += swapNotes
        return result
    }

    /// The block-device scan for `mounts` (from `read` on this cache):
    /// the last one when nothing it depends on moved.
    func blocks(_ files: DeviceUseFiles, mounts: MountTable, wanted: Set<String>) -> BlockDeviceScan {
        let names = BlockDeviceScan.list(files)
        return state.withLock { s in
            guard let names else {
                s.blocks = nil
                return BlockDeviceScan.scan(files, names: nil, mounts: mounts, wanted: wanted)
            }
            let key = BlockKey(generation: s.generation, swaps: mounts.swaps, wanted: wanted, names: names)
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let at = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            if let kept = s.blocks, kept.key == key, s.table != nil, at - kept.at < blockRefreshAfter {
                return kept.scan
            }
            let scan = BlockDeviceScan.scan(files, names: names, mounts: mounts, wanted: wanted)
            s.blocks = s.table != nil ? (key, scan, at) : nil
            return scan
        }
    }

    /// A zero-timeout poll of the kept `mountinfo` descriptor.
    @Sendable static func pollOnce(_ fd: Int32) -> Signal {
        var p = pollfd(fd: fd, events: Int16(POLLPRI), revents: 0)
        let n = poll(&p, 1, 0)
        if n == 0 { return .unchanged }
        if n < 0 || p.revents & Int16(POLLNVAL) != 0 { return .unknown }
        if p.revents & Int16(POLLPRI | POLLERR) != 0 { return .changed }
        return .unchanged
    }
}
