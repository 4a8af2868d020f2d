import TrackerCore

/// An INI file in oslo.config's dialect, as nova.conf is written:
/// `[section]` headers, `key = value` (or `key: value`), `#`/`;` comment
/// lines, indented lines continuing the previous value, and keys that may
/// repeat (multi-valued options such as `[pci] device_spec`), one pair of
/// matching quotes around a value dropped (`"0-3"` is `0-3`). Section names
/// compare case-sensitively except `DEFAULT`, as in oslo.config.
struct INIFile: Sendable {
    struct Value: Sendable, Equatable {
        var text: String
        var line: Int
    }

    /// section → key → every value given, in file order.
    private(set) var sections: [String: [String: [Value]]] = [:]

    struct SyntaxError: Error, Sendable {
        var line: Int
        var problem: String
    }

    init(parsing text: String) throws(SyntaxError) {
        var section: String?
        var lastKey: String?
        var lineNumber = 0
        // Split on scalars, not Characters: "\r\n" is one Character, so a
        // CRLF file split on "\n" would be one long line.
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var scalars = rawLine
            if scalars.last == "\r" { scalars.removeLast() }
            let line = String(String.UnicodeScalarView(scalars))
            let trimmed = line.trimmedSysfs
            if trimmed.isEmpty { lastKey = nil; continue }
            if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            // A NUL or other control byte in a setting: C number parsers
            // stop at a NUL ("2\0.5" would read as 2), and Nova's Python
            // refuses the value; so does restrack, for any key.
            if let bad = line.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
                throw SyntaxError(line: lineNumber, problem: "holds a control character (\(SafeText.escape(String(bad)))); "
                                  + "remove it")
            }
            if let first = line.first, first == " " || first == "\t", let section, let key = lastKey {
                // Continuation of the previous value.
                if var values = sections[section]?[key], !values.isEmpty {
                    values[values.count - 1].text += "\n" + trimmed
                    sections[section]?[key] = values
                }
                continue
            }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    throw SyntaxError(line: lineNumber, problem: "\(QuotedValue.quote(trimmed)) is not a [section] header")
                }
                let name = String(trimmed.dropFirst().dropLast()).trimmedSysfs
                section = name.uppercased() == "DEFAULT" ? "DEFAULT" : name
                lastKey = nil
                continue
            }
            guard let section else {
                throw SyntaxError(line: lineNumber, problem: "\(QuotedValue.quote(trimmed)) comes before any [section] header")
            }
            guard let sep = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw SyntaxError(line: lineNumber, problem: "\(QuotedValue.quote(trimmed)) is not 'key = value'")
            }
            let key = String(trimmed[..<sep]).trimmedSysfs
            guard !key.isEmpty else {
                throw SyntaxError(line: lineNumber, problem: "\(QuotedValue.quote(trimmed)) has no key before '='")
            }
            var value = String(trimmed[trimmed.index(after: sep)...]).trimmedSysfs
            // oslo.config drops one pair of matching quotes around a value.
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            sections[section, default: [:]][key, default: []].append(Value(text: value, line: lineNumber))
            lastKey = key
        }
    }

    /// Every value of a key (multi-valued options).
    func values(_ section: String, _ key: String) -> [Value] {
        sections[section]?[key] ?? []
    }

    /// The value of a single-valued key: the last one wins, as in oslo.config.
    func value(_ section: String, _ key: String) -> Value? {
        values(section, key).last
    }
}
