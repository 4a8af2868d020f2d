import TrackerCore

/// Reading a parsed checkpoint as Go's `encoding/json` fills the kubelet's
/// structs, so that what restrack shows and hashes is what the kubelet
/// would load: object keys match struct fields case-insensitively (with
/// Go's folding, where U+212A KELVIN SIGN is `k` and U+017F LONG S is `s`),
/// `null` leaves a string or number field as it was and makes a map, slice
/// or pointer nil, integers must be written as integers in range. Where Go
/// would let a later repeat of a key win, restrack refuses the file: the
/// kubelet never writes repeats, so they mean an edit or an attack.
enum KubeletJSON {
    typealias Members = [(key: String, value: JSONValue)]

    /// The members of the JSON object `bytes` hold (a whole file, or the
    /// text of a `data` field).
    static func document(_ bytes: [UInt8], _ field: String) throws(KubeletFileError) -> Members {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw KubeletFileError(field, "is not JSON (\(error.description))")
        }
        guard let members = try object(value, field) else { throw KubeletFileError(field, "is null, not an object") }
        return members
    }

    /// The members of an object, nil for `null`.
    static func object(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> Members? {
        switch value {
        case .object(let members): return members
        case .null: return nil
        default: throw KubeletFileError(field, "is \(kind(value)), not an object")
        }
    }

    /// The value of the struct field `name` (absent: nil).
    static func field(_ members: Members, _ name: String, in parent: String) throws(KubeletFileError) -> JSONValue? {
        let want = fold(name)
        var found: JSONValue?
        for member in members where fold(member.key) == want {
            guard found == nil else {
                throw KubeletFileError(join(parent, name), "appears more than once (the kubelet writes each field once)")
            }
            found = member.value
        }
        return found
    }

    /// Map members with each key once (Go map keys compare bytewise).
    static func mapMembers(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> Members? {
        guard let members = try object(value, field) else { return nil }
        var seen = Set<[UInt8]>()
        for member in members where !seen.insert(Array(member.key.utf8)).inserted {
            throw KubeletFileError(KubeletFileError.path(field, member.key), "appears more than once in the map")
        }
        return members
    }

    /// A string field; nil when absent or `null` (Go keeps the old value).
    static func string(_ value: JSONValue?, _ field: String) throws(KubeletFileError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: return s
        case let other?: throw KubeletFileError(field, "is \(kind(other)), not a string")
        }
    }

    /// A uint64 field written as a JSON integer; nil when absent or `null`.
    static func unsigned(_ value: JSONValue?, _ field: String) throws(KubeletFileError) -> UInt64? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?:
            guard n >= 0 else { throw KubeletFileError(field, "is negative (\(n)), it must be an unsigned integer") }
            return UInt64(n)
        case .double?: throw KubeletFileError(field, "is not an integer, or too large for restrack to read")
        case let other?: throw KubeletFileError(field, "is \(kind(other)), not a number")
        }
    }

    /// An int field written as a JSON integer; nil when absent or `null`.
    static func signed(_ value: JSONValue?, _ field: String) throws(KubeletFileError) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?: return n
        case .double?: throw KubeletFileError(field, "is not an integer, or out of range")
        case let other?: throw KubeletFileError(field, "is \(kind(other)), not a number")
        }
    }

    /// A `[]int` field; nil for a nil slice.
    static func ints(_ value: JSONValue?, _ field: String) throws(KubeletFileError) -> [Int]? {
        switch value {
        case nil, .null?: return nil
        case .intArray(let ints)?: return ints
        case .array(let items)?:
            // Only reached when some element is not an integer in range.
            for (i, item) in items.enumerated() {
                if case .int = item { continue }
                if case .double = item { throw KubeletFileError("\(field)[\(i)]", "is not an integer in range") }
                throw KubeletFileError("\(field)[\(i)]", "is \(kind(item)), not an integer")
            }
            return []
        case let other?: throw KubeletFileError(field, "is \(kind(other)), not a list")
        }
    }

    /// A `[]string` field; nil for a nil slice.
    static func strings(_ value: JSONValue?, _ field: String) throws(KubeletFileError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .intArray(let ints)?:
            guard ints.isEmpty else { throw KubeletFileError("\(field)[0]", "is a number, not a string") }
            return []
        case .array(let items)?:
            var out: [String] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw KubeletFileError("\(field)[\(i)]", "is \(kind(item)), not a string")
                }
                out.append(s)
            }
            return out
        case let other?: throw KubeletFileError(field, "is \(kind(other)), not a list")
        }
    }

    /// A Go map key of an integer type (`strconv.ParseInt(key, 10, 64)`:
    /// an optional sign and decimal digits).
    static func intKey(_ key: String, _ field: String) throws(KubeletFileError) -> Int64 {
        let bytes = Array(key.utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < bytes.count else { throw KubeletFileError(KubeletFileError.path(field, key), "is not an integer key") }
        var magnitude: UInt64 = 0
        while i < bytes.count {
            let c = bytes[i]
            guard c >= 0x30, c <= 0x39 else { throw KubeletFileError(KubeletFileError.path(field, key), "is not an integer key") }
            let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
            guard !o1, !o2, s <= UInt64(Int64.max) + (negative ? 1 : 0) else {
                throw KubeletFileError(KubeletFileError.path(field, key), "is out of range")
            }
            magnitude = s
            i += 1
        }
        if negative { return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude) }
        return Int64(magnitude)
    }

    static func join(_ parent: String, _ name: String) -> String {
        parent.isEmpty ? name : parent + "." + name
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array, .intArray: return "a list"
        case .object: return "an object"
        }
    }

    /// Go's `foldName` for the names that can match a struct field.
    private static func fold(_ key: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(key.utf8.count)
        for u in key.unicodeScalars {
            switch u.value {
            case 0x61...0x7A: out.append(UInt8(u.value - 0x20))
            case 0..<0x80: out.append(UInt8(u.value))
            case 0x212A: out.append(UInt8(ascii: "K"))
            case 0x017F: out.append(UInt8(ascii: "S"))
            default: out.append(contentsOf: String(Character(u)).utf8)
            }
        }
        return out
    }
}
