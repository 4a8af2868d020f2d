/// A value from a document or config as an error message quotes it: unsafe
/// characters spelled out (`SafeText.escape`) and cut to `limit`
/// characters, saying how much was left out, so a 10 MB value makes a
/// one-line error rather than 10 MB of stderr.
public enum QuotedValue {
    public static let defaultLimit = 80

    /// `'text'`, or `'first 80 characters…' (10485760 characters in all)`.
    public static func quote(_ value: some StringProtocol, limit: Int = defaultLimit) -> String {
        let s = String(value)
        var count = 0
        var end = s.endIndex
        for i in s.indices {
            if count == limit { end = i; break }
            count += 1
        }
        guard end < s.endIndex else { return "'\(SafeText.escape(s))'" }
        return "'\(SafeText.escape(String(s[..<end])))…' (\(s.count) characters in all)"
    }
}
