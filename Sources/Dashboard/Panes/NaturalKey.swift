/// A string split once into runs of ASCII digits and of other characters
/// ("pid:4121" → "pid:", "4121"), each digit run with its value, so a sort
/// compares ids by number without re-splitting both strings on every
/// comparison (a list of a thousand holders makes ten thousand of them).
struct NaturalKey {
    let runs: [String]
    let values: [Int?]

    init(_ s: String) {
        var out: [String] = []
        var cur = ""
        var digits = false
        for ch in s {
            // A non-ASCII character joins the run it follows.
            if !cur.isEmpty && ch.isASCII && ch.isNumber != digits {
                out.append(cur)
                cur = ""
            }
            digits = ch.isASCII && ch.isNumber
            cur.append(ch)
        }
        if !cur.isEmpty { out.append(cur) }
        runs = out
        values = out.map { Int($0) }
    }

    /// The first differing run decides: by value when both are numbers of
    /// different value, else as text; a prefix sorts first.
    static func < (a: NaturalKey, b: NaturalKey) -> Bool {
        for i in 0..<min(a.runs.count, b.runs.count) where a.runs[i] != b.runs[i] {
            if let nx = a.values[i], let ny = b.values[i], nx != ny { return nx < ny }
            return a.runs[i] < b.runs[i]
        }
        return a.runs.count < b.runs.count
    }
}
