import TrackerCore

/// A cpulist that fits a column: cut between ranges, never inside one, and
/// say how many CPUs were left out ("CPUs 0-31 +32 more"), so a cut list
/// cannot be read as a different, smaller set.
public enum CPUListText {
    /// `set` as cpulist text of at most `width` columns: the whole list, or
    /// leading ranges plus " +N more" (N CPUs not shown), or "N CPUs" when
    /// not even one range fits with its note.
    public static func fit(_ set: CPUSet, width: Int) -> String {
        let whole = set.cpulist
        guard whole.count > width else { return whole }
        let ranges = whole.split(separator: ",").map(String.init)
        var shown = ""
        var shownCount = 0
        var best: String?
        for r in ranges {
            let candidate = shown.isEmpty ? r : shown + "," + r
            let count = shownCount + cpus(in: r)
            let text = "\(candidate) +\(set.count - count) more"
            guard text.count <= width else { break }
            best = text
            shown = candidate
            shownCount = count
        }
        if let best { return best }
        let summary = "\(set.count) CPUs"
        return summary.count <= width ? summary : ""
    }

    /// "CPUs 0-31,256-287" fitted to `width`, or the count alone.
    public static func phrase(_ set: CPUSet, width: Int) -> String {
        let list = fit(set, width: width - 5)
        if list.isEmpty || list.hasSuffix(" CPUs") {
            let summary = "\(set.count) CPUs"
            return summary.count <= width ? summary : ""
        }
        return "CPUs " + list
    }

    static func cpus(in range: String) -> Int {
        let ends = range.split(separator: "-").compactMap { Int($0) }
        if ends.count == 2 { return ends[1] - ends[0] + 1 }
        return 1
    }
}
