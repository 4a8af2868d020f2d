/// Median and maximum of a set of durations, in milliseconds.
struct TimingStats {
    var samples: [Double]

    var median: Double {
        guard !samples.isEmpty else { return 0 }
        let s = samples.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    var max: Double { samples.max() ?? 0 }
    var total: Double { samples.reduce(0, +) }

    static func ms(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    /// "0.042 ms", "12.3 ms", "3.10 s".
    static func format(_ ms: Double) -> String {
        if ms >= 1000 { return String(format: "%.2f s", ms / 1000) }
        if ms >= 10 { return String(format: "%.1f ms", ms) }
        if ms >= 0.1 { return String(format: "%.2f ms", ms) }
        return String(format: "%.3f ms", ms)
    }
}
