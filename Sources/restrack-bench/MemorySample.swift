import Foundation

/// Memory of a process from `/proc/PID/smaps_rollup`. RSS alone counts shared
/// library text at full size in every process that maps it; PSS divides
/// shared pages among their users, and private dirty (heap, stacks, the
/// relocated data of libraries) is what the process alone costs the host.
struct MemorySample {
    var rssKB = 0
    var pssKB = 0
    var privateDirtyKB = 0
    var sharedCleanKB = 0
    var privateCleanKB = 0

    init(pid: Int32) {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, let kb = Int(parts[1]) else { continue }
            switch parts[0] {
            case "Rss:": rssKB = kb
            case "Pss:": pssKB = kb
            case "Private_Dirty:": privateDirtyKB = kb
            case "Shared_Clean:": sharedCleanKB = kb
            case "Private_Clean:": privateCleanKB = kb
            default: break
            }
        }
    }

    /// The largest of each field over a series: a bench reports the worst.
    static func peak(_ xs: [MemorySample]) -> MemorySample? {
        guard var m = xs.first else { return nil }
        for x in xs.dropFirst() {
            m.rssKB = max(m.rssKB, x.rssKB)
            m.pssKB = max(m.pssKB, x.pssKB)
            m.privateDirtyKB = max(m.privateDirtyKB, x.privateDirtyKB)
            m.sharedCleanKB = max(m.sharedCleanKB, x.sharedCleanKB)
            m.privateCleanKB = max(m.privateCleanKB, x.privateCleanKB)
        }
        return m
    }
}
