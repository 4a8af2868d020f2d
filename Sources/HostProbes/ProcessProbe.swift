import BoundedFile
import Foundation
import TrackerCore

/// Is process N alive, since when, and which CPUs may it run on: what the
/// ledger needs to tell a live owner from an exited one or a reused pid, and
/// to spot affinity drift. Reads `/proc` (or a captured tree under `procRoot`).
public struct ProcessProbe: Sendable {
    /// What `kill(pid, 0)` says about a pid: the second witness when
    /// `/proc/PID/stat` cannot be read.
    public enum SignalWitness: Sendable {
        /// Returned 0: the pid exists and we may signal it.
        case exists
        /// EPERM: the pid exists and belongs to someone else.
        case notPermitted
        /// ESRCH: no such process.
        case noSuchProcess
        /// No witness (a captured `/proc` tree is not this host's pids).
        case unavailable
    }

    public var procRoot: String
    /// `kill(pid, 0)` on the live `/proc`; nothing on a captured tree.
    public var signalWitness: @Sendable (Int32) -> SignalWitness

    public init(procRoot: String = "/proc", signalWitness: (@Sendable (Int32) -> SignalWitness)? = nil) {
        self.procRoot = procRoot
        if let signalWitness {
            self.signalWitness = signalWitness
        } else if procRoot == "/proc" {
            self.signalWitness = { pid in Self.kill0(pid) }
        } else {
            self.signalWitness = { _ in SignalWitness.unavailable }
        }
    }

    /// Alive with its start time (field 22 of `/proc/PID/stat`, clock ticks
    /// since boot), gone, or unknown. ENOENT on `/proc/PID` is not proof of
    /// exit: `hidepid=2` hides other users' pids that way, so `kill(pid, 0)`
    /// decides (ESRCH gone, EPERM alive but not ours). A zombie has exited:
    /// it holds nothing any more, so it counts as gone.
    public func liveness(pid: Int32) -> ProcessLiveness {
        guard pid > 0 else { return .gone }
        let path = "\(procRoot)/\(pid)/stat"
        switch readFile(path) {
        case .success(let text):
            guard let stat = Self.parseStat(text) else { return .unknown(why: "\(path) is not in the expected format") }
            if stat.state == "Z" || stat.state == "X" { return .gone }
            return .alive(startTime: stat.startTime)
        case .failure(let refusal):
            // A FIFO or device where the stat file should be has no errno:
            // its refusal in words stands in for strerror.
            let readError = refusal.errno.map { "\(path): \(String(cString: strerror($0)))" }
                ?? "\(path) \(refusal.failure.words)"
            switch signalWitness(pid) {
            case .noSuchProcess:
                return .gone
            case .notPermitted:
                return .unknown(why: "\(readError); pid \(pid) runs as another user")
            case .exists:
                return .unknown(why: readError)
            case .unavailable:
                return refusal.errno == ENOENT || refusal.errno == ESRCH ? .gone : .unknown(why: readError)
            }
        }
    }

    /// The start time when `pid` is alive and readable, else nil.
    public func startTime(pid: Int32) -> UInt64? {
        liveness(pid: pid).startTime
    }

    private static func kill0(_ pid: Int32) -> SignalWitness {
        if kill(pid_t(pid), 0) == 0 { return .exists }
        switch errno {
        case EPERM: return .notPermitted
        case ESRCH: return .noSuchProcess
        default: return .unavailable
        }
    }

    /// The CPUs `pid` may run on (`Cpus_allowed_list` in `/proc/PID/status`,
    /// what `sched_getaffinity` returns), or nil when it cannot be read.
    public func affinity(pid: Int32) -> CPUSet? {
        guard pid > 0, let text = read("\(procRoot)/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Cpus_allowed_list:") {
            return try? CPUSet(cpulist: String(line.dropFirst("Cpus_allowed_list:".count)))
        }
        return nil
    }

    /// What this probe sees of the live claims' owners, at `now`: liveness
    /// of each owner pid and the affinity of each alive one that pins CPUs.
    public func observe(_ claims: [Claim], now: Double) -> Observations {
        Observations.gather(for: claims, now: now, liveness: { liveness(pid: $0) }, affinity: { affinity(pid: $0) })
    }

    /// The state letter and start time from a `/proc/PID/stat` line. The
    /// command name (field 2) is in parentheses and may itself hold spaces
    /// and parentheses, so fields are counted from the last ')'.
    public static func parseStat(_ text: String) -> (state: Character, startTime: UInt64)? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let rest = text[text.index(after: close)...].split(whereSeparator: { $0 == " " || $0 == "\n" })
        // rest[0] is field 3 (state), so field 22 (starttime) is rest[19].
        guard rest.count > 19, let state = rest[0].first, let start = UInt64(rest[19]) else { return nil }
        return (state, start)
    }

    /// The file's text, or the refusal with the errno behind it (which
    /// `liveness` needs and `FileManager.contents` throws away).
    private func readFile(_ path: String) -> Result<String, BoundedFileReader.Refusal> {
        var bytes: [UInt8] = []
        return BoundedFileReader(limit: BoundedFileReader.maxSysfsBytes).readCounted(path, into: &bytes)
            .map { _ in String(decoding: bytes, as: UTF8.self) }
    }

    private func read(_ path: String) -> String? {
        guard case .success(let bytes) = BoundedFileReader(limit: BoundedFileReader.maxSysfsBytes).read(path) else {
            return nil
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
