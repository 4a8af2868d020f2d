/// A parsed JSON document, for reading plain request documents quickly
/// (`Request.fastDecode`); Foundation's JSONDecoder spent most of a batch of
/// fits' time on parsing. Integer arrays are kept unboxed.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int`.
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// An array of integers only, kept unboxed: CPU lists make up most of a
    /// host document, and one allocation per list instead of one enum per
    /// CPU halves the time to read it.
    case intArray([Int])
    /// Members in document order, repeats included; `repeatedKeyPath`
    /// finds a repeat, which restrack refuses.
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.intArray(let x), .intArray(let y)): return x == y
        case (.intArray(let x), .array(let y)), (.array(let y), .intArray(let x)):
            return x.map(JSONValue.int) == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Why bytes are not JSON: the byte offset and what was expected there.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var offset: Int
        public var problem: String
        public var description: String { "byte \(offset): \(problem)" }
    }

    /// The elements of an array, whichever way it is stored; nil for
    /// anything else.
    public var arrayItems: [JSONValue]? {
        switch self {
        case .array(let items): return items
        case .intArray(let ints): return ints.map(JSONValue.int)
        default: return nil
        }
    }

    /// Parses one JSON value (RFC 8259) filling the whole input, whitespace aside.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONValue {
        var failure: SyntaxError?
        let value: JSONValue? = bytes.withUnsafeBufferPointer { buf in
            var p = Parser(buf: buf)
            do throws(SyntaxError) {
                p.skipSpace()
                let v = try p.value(depth: 0)
                p.skipSpace()
                guard p.i == buf.count else { throw p.fail("unexpected data after the JSON value") }
                return v
            } catch {
                failure = error
                return nil
            }
        }
        if let value { return value }
        throw failure ?? SyntaxError(offset: 0, problem: "unreadable")
    }

    private struct Parser {
        let buf: UnsafeBufferPointer<UInt8>
        var i = 0

        init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

        func fail(_ problem: String) -> SyntaxError { SyntaxError(offset: i, problem: problem) }

        mutating func skipSpace() {
            while i < buf.count {
                let c = buf[i]
                guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
                i += 1
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONValue {
            guard depth < 512 else { throw fail("nested too deeply") }
            guard i < buf.count else { throw fail("unexpected end of input") }
            switch buf[i] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw fail("expected a JSON value")
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let n = word.utf8CodeUnitCount
            guard i + n <= buf.count else { throw fail("expected \(word)") }
            for k in 0..<n where buf[i + k] != word.utf8Start[k] { throw fail("expected \(word)") }
            i += n
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONValue {
            i += 1
            var members: [(key: String, value: JSONValue)] = []
            skipSpace()
            if i < buf.count && buf[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let key = try string()
                skipSpace()
                guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                let v = try value(depth: depth + 1)
                members.append((key, v))
                skipSpace()
                guard i < buf.count else { throw fail("unexpected end of input in an object") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONValue {
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < buf.count && buf[i] == UInt8(ascii: "]") { i += 1; return .intArray([]) }
            // Integers only, as long as that lasts.
            var ints: [Int] = []
            while true {
                skipSpace()
                let v = try value(depth: depth + 1)
                guard case .int(let n) = v else {
                    items = ints.map(JSONValue.int)
                    items.append(v)
                    break
                }
                ints.append(n)
                skipSpace()
                guard i < buf.count else { throw fail("unexpected end of input in an array") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "]") { i += 1; return .intArray(ints) }
                throw fail("expected ',' or ']'")
            }
            while true {
                skipSpace()
                guard i < buf.count else { throw fail("unexpected end of input in an array") }
                if buf[i] == UInt8(ascii: ",") {
                    i += 1
                } else if buf[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(items)
                } else {
                    throw fail("expected ',' or ']'")
                }
                skipSpace()
                items.append(try value(depth: depth + 1))
            }
        }

        mutating func number() throws(SyntaxError) -> JSONValue {
            let start = i
            var negative = false
            if buf[i] == UInt8(ascii: "-") { negative = true; i += 1 }
            guard i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 else { throw fail("expected a digit") }
            if buf[i] == 0x30, i + 1 < buf.count, buf[i + 1] >= 0x30, buf[i + 1] <= 0x39 {
                throw fail("leading zeros are not JSON")
            }
            var magnitude: UInt64 = 0
            var overflow = false
            while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(UInt64(buf[i] - 0x30))
                overflow = overflow || o1 || o2
                magnitude = s
                i += 1
            }
            var integral = true
            if i < buf.count, buf[i] == UInt8(ascii: ".") {
                integral = false
                i += 1
                guard i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 else { throw fail("expected a digit after '.'") }
                while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
            }
            if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
                integral = false
                i += 1
                if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
                guard i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 else { throw fail("expected an exponent") }
                while i < buf.count, buf[i] >= 0x30, buf[i] <= 0x39 { i += 1 }
            }
            if integral && !overflow {
                if negative {
                    if magnitude <= UInt64(Int.max) { return .int(-Int(magnitude)) }
                    if magnitude == UInt64(Int.max) + 1 { return .int(Int.min) }
                } else if magnitude <= UInt64(Int.max) {
                    return .int(Int(magnitude))
                }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
            guard let d = Double(text), d.isFinite else { throw SyntaxError(offset: start, problem: "number \(text) is out of range") }
            return .double(d)
        }

        mutating func string() throws(SyntaxError) -> String {
            i += 1
            let start = i
            // Fast path: no escapes.
            var nonASCII = false
            while i < buf.count {
                let c = buf[i]
                if c == UInt8(ascii: "\"") {
                    let raw = UnsafeBufferPointer(rebasing: buf[start..<i])
                    let s = nonASCII ? String(validating: raw, as: UTF8.self) : String(decoding: raw, as: UTF8.self)
                    guard let s else { throw SyntaxError(offset: start, problem: "a string that is not UTF-8") }
                    i += 1
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                guard c >= 0x20 else { throw fail("control character in a string") }
                if c >= 0x80 { nonASCII = true }
                i += 1
            }
            var out = Array(buf[start..<i])
            while i < buf.count {
                let c = buf[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    guard let s = String(validating: out, as: UTF8.self) else {
                        throw SyntaxError(offset: start, problem: "a string that is not UTF-8")
                    }
                    return s
                }
                guard c >= 0x20 else { throw fail("control character in a string") }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    i += 1
                    continue
                }
                i += 1
                guard i < buf.count else { break }
                let e = buf[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw fail("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("bad escape in a string")
                }
            }
            throw fail("unterminated string")
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard i + 4 <= buf.count else { throw fail("short \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = buf[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("bad hex digit in \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }
    }
}
