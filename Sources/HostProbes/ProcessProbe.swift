import Foundation
import TrackerCore

/// Is process N alive, since when, and which CPUs may it run on: what the
/// ledger needs to tell a live owner from an exited one or a reused pid, and
/// to spot affinity drift. Reads `/proc` (or a captured tree under `procRoot`).
public struct ProcessProbe: Sendable {
    public var procRoot: String

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    /// The start time of `pid` (field 22 of `/proc/PID/stat`, clock ticks
    /// since boot), or nil when no such process runs. A zombie has exited:
    /// it holds nothing any more, so it counts as gone.
    public func startTime(pid: Int32) -> UInt64? {
        guard pid > 0, let text = read("\(procRoot)/\(pid)/stat") else { return nil }
        guard let stat = Self.parseStat(text), stat.state != "Z", stat.state != "X" else { return nil }
        return stat.startTime
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

    private func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
