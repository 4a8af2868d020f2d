/// Short human units for narrow columns.
public enum Fmt {
    /// MiB as `512M`, `40.0G`, `1.5T`.
    public static func mib(_ m: Int) -> String {
        if m < 1024 { return "\(m)M" }
        let g = Double(m) / 1024
        if g < 1024 { return oneDecimal(g) + "G" }
        return oneDecimal(g / 1024) + "T"
    }

    /// Seconds as `0.2`, `60` or `3600`: a whole number without a decimal.
    public static func seconds(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : oneDecimal(v)
    }

    public static func oneDecimal(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// Seconds as `42s`, `7m`, `3h`, `2d`.
    public static func age(_ s: Int) -> String {
        if s < 0 { return "0s" }
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// `s` padded with spaces on the left to `n` columns.
    public static func right(_ s: String, _ n: Int) -> String {
        s.count >= n ? s : String(repeating: " ", count: n - s.count) + s
    }

    /// `s` padded (or cut) to exactly `n` columns; nothing for n <= 0, so a
    /// width computed from a tiny pane cannot trap in `prefix`.
    public static func left(_ s: String, _ n: Int) -> String {
        guard n > 0 else { return "" }
        if s.count >= n { return String(s.prefix(n)) }
        return s + String(repeating: " ", count: n - s.count)
    }

    /// Words of `s` in lines of at most `width` columns (a word longer than
    /// the width is cut).
    public static func wrap(_ s: String, _ width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        var cur = ""
        for word in s.split(separator: " ") {
            let w = String(word.prefix(width))
            if cur.isEmpty {
                cur = w
            } else if cur.count + 1 + w.count <= width {
                cur += " " + w
            } else {
                lines.append(cur)
                cur = w
            }
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }
}
