import Foundation

/// Durations and points in time as operators type them.
enum TimeText {
    /// "90", "90s", "10m", "2h", "1d" → seconds; nil when unreadable or not positive.
    static func seconds(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = t.last else { return nil }
        let unit: Int
        var digits = t
        switch last {
        case "s": unit = 1; digits.removeLast()
        case "m": unit = 60; digits.removeLast()
        case "h": unit = 3600; digits.removeLast()
        case "d": unit = 86400; digits.removeLast()
        default: unit = 1
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              let n = Int(digits), n > 0, n <= Int(Int32.max) / unit else { return nil }
        return n * unit
    }

    /// `--since`: a duration back from `now` ("1h", "30m", "2d"), an ISO
    /// 8601 date or time ("2026-01-01", "2026-01-01T08:00",
    /// "2026-01-01T08:00:00Z", "2026-01-01 08:00+02:00"; without a zone it is
    /// local time, as `date` shows it), or seconds since the epoch with a
    /// decimal point or over 10 digits ("1764072000.5"). nil when unreadable.
    static func since(_ text: String, now: Double, timeZone: TimeZone = .current) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let time = isoTime(t, timeZone: timeZone) { return time }
        if t.contains("."), let epoch = Double(t), epoch.isFinite, epoch >= 0 { return epoch }
        if t.count >= 10, t.allSatisfy({ $0.isASCII && $0.isNumber }), let epoch = Double(t) { return epoch }
        if let s = seconds(t) { return now - Double(s) }
        return nil
    }

    static let sinceHelp = "give a duration back (1h, 30m, 2d), an ISO 8601 date or time (2026-01-01, 2026-01-01T08:00, 2026-01-01T08:00:00Z, 2026-01-01T08:00+02:00) or epoch seconds"

    /// `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM`,
    /// optional `:SS` and fraction, and an optional zone (`Z`, `±HH`,
    /// `±HHMM`, `±HH:MM`). Fields out of range (month 13, February 30) are
    /// refused rather than rolled over into another day.
    static func isoTime(_ text: String, timeZone: TimeZone) -> Double? {
        var rest = Substring(text)
        func number(_ digits: Int) -> Int? {
            let head = rest.prefix(digits)
            guard head.count == digits, head.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(head) else { return nil }
            rest = rest.dropFirst(digits)
            return v
        }
        func take(_ c: Character) -> Bool {
            guard rest.first == c else { return false }
            rest = rest.dropFirst()
            return true
        }
        guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2) else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var zone = timeZone
        if take("T") || take("t") || take(" ") {
            guard let h = number(2), take(":"), let m = number(2) else { return nil }
            hour = h
            minute = m
            if take(":") {
                guard let sec = number(2) else { return nil }
                second = sec
                if take(".") || take(",") {
                    let digits = rest.prefix { $0.isASCII && $0.isNumber }
                    guard !digits.isEmpty, let f = Double("0." + digits) else { return nil }
                    fraction = f
                    rest = rest.dropFirst(digits.count)
                }
            }
            if take("Z") || take("z") {
                zone = TimeZone(secondsFromGMT: 0) ?? timeZone
            } else if let sign = rest.first, sign == "+" || sign == "-" {
                rest = rest.dropFirst()
                guard let zh = number(2), zh <= 23 else { return nil }
                var zm = 0
                if !rest.isEmpty {
                    _ = take(":")
                    guard let m = number(2), m <= 59 else { return nil }
                    zm = m
                }
                let offset = (zh * 3600 + zm * 60) * (sign == "-" ? -1 : 1)
                guard let z = TimeZone(secondsFromGMT: offset) else { return nil }
                zone = z
            }
        }
        guard rest.isEmpty, (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59, second <= 59 else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: parts) else { return nil }
        // Calendar rolls 2026-02-30 over into March; such a date was mistyped.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        return date.timeIntervalSince1970 + fraction
    }
}
