/// The Prometheus text exposition format 0.0.4, written by hand: a family's
/// `# HELP` and `# TYPE` once, before its series, families in the order
/// given and series in the order added (the output is stable from one run
/// to the next, which keeps textfile diffs and tests readable).
public enum ExpositionText {
    /// The `Content-Type` this text is, for anyone serving it over HTTP.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The whole exposition of `families`, ending in a newline. Families
    /// without series are left out: a `# TYPE` with no sample says nothing.
    public static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        out.reserveCapacity(families.reduce(0) { $0 + 96 + $1.samples.count * 64 })
        for family in families where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                out += family.name
                if !family.labelNames.isEmpty {
                    out += "{"
                    for (i, name) in family.labelNames.enumerated() {
                        if i > 0 { out += "," }
                        let value = i < sample.labelValues.count ? sample.labelValues[i] : ""
                        out += name
                        out += "=\""
                        out += escapeLabelValue(value)
                        out += "\""
                    }
                    out += "}"
                }
                out += " "
                out += number(sample.value)
                out += "\n"
            }
        }
        return out
    }

    /// A `# HELP` docstring: backslash and line feed escaped, as the format asks.
    public static func escapeHelp(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") }) else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A label value: backslash, double quote and line feed escaped, as
    /// the format asks; everything else is UTF-8 as is.
    public static func escapeLabelValue(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") })
        else { return s }
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A sample value as Go's `strconv.ParseFloat` reads it: integers
    /// without a fraction, `+Inf`, `-Inf` and `NaN` spelt as the format spells them.
    public static func number(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 9_007_199_254_740_992 { return String(Int64(v)) }
        return "\(v)"
    }
}
