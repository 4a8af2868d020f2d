import Foundation
import Glibc

/// CPU time and RSS of a process from /proc.
struct ProcSample {
    var ticks: Double
    var rssKB: Int
    var at: Double

    init(pid: Int32) {
        at = Date().timeIntervalSince1970
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        // Fields after the ")" of the command name: utime is 14th, stime 15th overall.
        let rest = stat.split(separator: ")").last.map { $0.split(separator: " ") } ?? []
        ticks = rest.count > 13 ? (Double(rest[11]) ?? 0) + (Double(rest[12]) ?? 0) : 0
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        rssKB = rss.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }

    func cpuPercent(since s: ProcSample) -> Double {
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (ticks - s.ticks) / hz / max(0.001, at - s.at) * 100
    }
}
