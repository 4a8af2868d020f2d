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

    /// `--since`: a duration back from `now` ("1h"), an ISO 8601 time
    /// ("2026-11-25T12:00:00Z") or seconds since the epoch with a decimal
    /// point or over 10 digits ("1764072000.5"). nil when unreadable.
    static func since(_ text: String, now: Double) -> Double? {
        if let d = ISO8601DateFormatter().date(from: text) { return d.timeIntervalSince1970 }
        if text.contains("."), let epoch = Double(text), epoch.isFinite, epoch >= 0 { return epoch }
        if text.count >= 10, let epoch = Double(text), epoch.isFinite { return epoch }
        if let s = seconds(text) { return now - Double(s) }
        return nil
    }
}
