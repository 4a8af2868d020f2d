/// The one range of polling intervals: `--interval` is validated against it
/// and `+`/`-` step through it, so a value the command line accepts is one
/// the keys can reach and leave again.
public enum PollInterval {
    public static let range: ClosedRange<Double> = 0.2...3600

    /// The stops `+` and `-` move between; both ends of `range` are stops.
    public static let steps: [Double] = [0.2, 0.5, 1, 2, 3, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

    /// What `--interval` says when a value is outside the range.
    public static var rangeText: String {
        "between \(Fmt.seconds(range.lowerBound)) and \(Fmt.seconds(range.upperBound)) seconds"
    }

    public static func isValid(_ seconds: Double) -> Bool { seconds.isFinite && range.contains(seconds) }

    /// The next stop after `current` in the direction of `faster` (shorter)
    /// or slower; a value between stops (from `--interval 0.7`) moves to the
    /// neighbouring stop rather than skipping one.
    public static func step(from current: Double, faster: Bool) -> Double {
        if faster {
            return steps.last { $0 < current } ?? steps[0]
        }
        return steps.first { $0 > current } ?? steps[steps.count - 1]
    }
}
