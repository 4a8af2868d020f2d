#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Clock and log timestamps from libc, the one formatter for the
/// dashboard's clock and log and the CLI's `audit` times. Foundation's
/// `DateFormatter` and `ISO8601DateFormatter` load ICU (calendars, time
/// zones, locale data) into the process, which two fixed numeric formats
/// do not need, in a dashboard meant to be left running.
public enum ClockText {
    /// "HH:mm:ss" in the local time zone (as `DateFormatter` with that format).
    public static func localTime(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var tm = tm()
        guard localtime_r(&t, &tm) != nil else { return "--:--:--" }
        return two(tm.tm_hour) + ":" + two(tm.tm_min) + ":" + two(tm.tm_sec)
    }

    /// "yyyy-MM-ddTHH:mm:ssZ" in UTC (as `ISO8601DateFormatter`'s default).
    public static func iso8601UTC(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var tm = tm()
        guard gmtime_r(&t, &tm) != nil else { return "0000-00-00T00:00:00Z" }
        return String(tm.tm_year + 1900) + "-" + two(tm.tm_mon + 1) + "-" + two(tm.tm_mday) + "T"
            + two(tm.tm_hour) + ":" + two(tm.tm_min) + ":" + two(tm.tm_sec) + "Z"
    }

    static func two(_ v: Int32) -> String { v < 10 ? "0" + String(v) : String(v) }
}
