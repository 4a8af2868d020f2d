#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TrackerCore

/// Per-CPU busy % from two `/proc/stat` reads and per-node memory from
/// `sys/devices/system/node/nodeN/meminfo`. Keeps the previous read, so each
/// `next` reports the load since the one before: one read of `/proc/stat`
/// per poll, parsed from bytes into a buffer kept across polls.
///
/// Every file goes through `RegularFileRead`, so a FIFO or device planted in
/// a captured root fails the read at once instead of hanging the poll.
public final class UtilisationProbe: @unchecked Sendable {
    public let root: String?
    private let files: RegularFileRead
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    /// CPU id → counters of the previous read; nil where that read had none.
    private var previous: [CPUTimes?]?
    /// What the last call could not read, one sentence each.
    private var lastWarnings: [String] = []

    static let statFile = "proc/stat"
    /// 8,192 CPUs at ~100 bytes a line stay well below this.
    static let statLimit = 8 << 20
    static let meminfoLimit = 64 << 10

    public init(root: String?) {
        self.root = root
        files = RegularFileRead(reader: SysfsReader(root: root))
    }

    /// The problems the last call met (a missing or garbled file), for the
    /// observer's "not visible" list.
    public var warnings: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lastWarnings
    }

    /// The load since the previous call (nil on the first call: one read
    /// gives no rate) and the memory now, for the snapshot's cells.
    public func next(snapshot: HostSnapshot) -> Utilisation? {
        lock.lock()
        defer { lock.unlock() }
        return poll(nodes: snapshot.cells.map(\.id))
    }

    /// Takes the first read now, so the next `next` reports the load from
    /// here (`observe --interval S`: prime, wait S, observe).
    public func prime() {
        lock.lock()
        defer { lock.unlock() }
        var warnings: [String] = []
        previous = readStat(warnings: &warnings)
        lastWarnings = warnings
    }

    /// Two reads `seconds` apart (clamped to 0.01…60): the load over that
    /// interval and the memory at its end, for every node directory.
    public func sample(over seconds: Double) -> Utilisation? {
        prime()
        let wait = seconds.isFinite ? min(max(seconds, 0.01), 60) : 0.5
        var request = timespec(tv_sec: Int(wait), tv_nsec: Int((wait - wait.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
        lock.lock()
        defer { lock.unlock() }
        let nodes = NUMAProbe.nodeIDs(files.reader) ?? []
        return poll(nodes: nodes)
    }

    /// Caller holds the lock.
    private func poll(nodes: [Int]) -> Utilisation? {
        var warnings: [String] = []
        let current = readStat(warnings: &warnings)
        defer {
            previous = current
            lastWarnings = warnings
        }
        guard let before = previous, let now = current else { return nil }
        var util = Self.load(before: before, now: now)
        util.nodeMemory = nodeMemory(nodes, warnings: &warnings)
        return util
    }

    /// Busy % per CPU present in both reads; a CPU whose counters went
    /// backwards is 0 % and leaves the host figure alone.
    static func load(before: [CPUTimes?], now: [CPUTimes?]) -> Utilisation {
        var util = Utilisation()
        // Sized once: a 512-CPU host would otherwise rehash it nine times a poll.
        util.cpuBusyPct.reserveCapacity(min(before.count, now.count))
        var busySum: UInt64 = 0
        var totalSum: UInt64 = 0
        var sampled = false
        for id in 0..<min(before.count, now.count) {
            guard let a = before[id], let b = now[id] else { continue }
            sampled = true
            guard let (busy, total) = b.ticks(since: a) else {
                util.cpuBusyPct[id] = 0
                continue
            }
            util.cpuBusyPct[id] = total == 0 ? 0 : Double(busy) * 100 / Double(total)
            let (bs, o1) = busySum.addingReportingOverflow(busy)
            let (ts, o2) = totalSum.addingReportingOverflow(total)
            if !o1 && !o2 {
                busySum = bs
                totalSum = ts
            }
        }
        if sampled { util.hostBusyPct = totalSum == 0 ? 0 : Double(busySum) * 100 / Double(totalSum) }
        return util
    }

    /// The counters by CPU id, or nil when `/proc/stat` cannot be read.
    private func readStat(warnings: inout [String]) -> [CPUTimes?]? {
        let path = files.reader.path(Self.statFile)
        switch files.read(Self.statFile, into: &buffer, limit: Self.statLimit, enough: ProcStatParser.pastCPULines) {
        case .failure(let failure):
            warnings.append("\(path) \(failure.words); CPU load unknown")
            return nil
        case .success(let count):
            let expected = previous?.count ?? 64
            let parsed = buffer.withUnsafeBufferPointer {
                ProcStatParser.parse(UnsafeBufferPointer(rebasing: $0[0..<count]), expectedCPUs: expected)
            }
            if parsed.garbledLines > 0 {
                warnings.append("\(path) has \(parsed.garbledLines) unreadable cpu line(s); those CPUs' load unknown")
            }
            guard let maxID = parsed.cpus.lazy.map(\.id).max() else {
                warnings.append("\(path) has no cpuN lines; CPU load unknown")
                return nil
            }
            var byID = [CPUTimes?](repeating: nil, count: maxID + 1)
            for (id, times) in parsed.cpus { byID[id] = times }
            return byID
        }
    }

    /// Memory of each node whose meminfo reads; a missing or garbled one is
    /// left out (unknown, not empty) with a warning.
    private func nodeMemory(_ nodes: [Int], warnings: inout [String]) -> [Int: NodeMemory] {
        var out: [Int: NodeMemory] = [:]
        for node in nodes {
            let file = "\(NUMAProbe.nodeDir)/node\(node)/meminfo"
            switch files.read(file, into: &buffer, limit: Self.meminfoLimit) {
            case .failure(let failure):
                // A host without NUMA has no node directory: its one cell's
                // memory is the snapshot's, so that is no news.
                if failure == .missing, node == 0, nodes.count == 1, !files.reader.exists(NUMAProbe.nodeDir) { continue }
                warnings.append("\(files.reader.path(file)) \(failure.words); node \(node) memory unknown")
            case .success(let count):
                let outcome = buffer.withUnsafeBufferPointer {
                    NodeMeminfoParser.parse(UnsafeBufferPointer(rebasing: $0[0..<count]))
                }
                switch outcome {
                case .memory(let memory): out[node] = memory
                case .problem(let why):
                    warnings.append("\(files.reader.path(file)) \(why); node \(node) memory unknown")
                }
            }
        }
        return out
    }
}
