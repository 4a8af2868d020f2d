/// The one label that carries text a user chose (a claim's consumer name):
/// bounded so a fleet's series cannot grow without limit and sanitised so
/// no control or format character reaches a dashboard. Quotes, backslashes
/// and line feeds left over are escaped by `ExpositionText`.
public enum ConsumerLabel {
    /// Longest value kept, in Unicode scalars (at most 256 bytes of UTF-8).
    public static let maxScalars = 64

    /// `name` without unsafe characters (`SafeText.isUnsafe`: controls,
    /// including line feeds, and format characters), cut to `maxScalars`
    /// with a trailing "…" when it was longer.
    public static func value(_ name: String) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for u in name.unicodeScalars where !SafeText.isUnsafe(u) {
            if count == maxScalars {
                out.removeLast()
                out.append("…")
                return String(out)
            }
            out.append(u)
            count += 1
        }
        return String(out)
    }
}
