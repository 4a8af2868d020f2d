/// Walks a parsed document for what Foundation's JSONDecoder does not say
/// well: a member name given twice (it silently keeps one), and a number
/// an integer field cannot hold (it says "not valid JSON" without a path).
extension JSONValue {
    /// One step of a JSON path: a member name or an array position.
    enum PathStep: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// `$.cells[1].pcpus`, as `ContractJSON` writes paths. A member name
    /// comes from the document, so it is escaped and cut like a quoted value.
    static func pathText(_ steps: [PathStep]) -> String {
        var s = "$"
        for step in steps {
            switch step {
            case .key(let k):
                s += "." + (k.count > QuotedValue.defaultLimit ? SafeText.escape(String(k.prefix(QuotedValue.defaultLimit))) + "…"
                                : SafeText.escape(k))
            case .index(let i): s += "[\(i)]"
            }
        }
        return s
    }

    /// The path of the first member whose name its object already had, in
    /// document order; nil when no object repeats a name.
    func repeatedKeyPath() -> [PathStep]? {
        var path: [PathStep] = []
        return repeatedKey(&path)
    }

    private func repeatedKey(_ path: inout [PathStep]) -> [PathStep]? {
        switch self {
        case .object(let members):
            var names = Set<String>()
            for (key, value) in members {
                path.append(.key(key))
                defer { path.removeLast() }
                if !names.insert(key).inserted { return path }
                if let found = value.repeatedKey(&path) { return found }
            }
            return nil
        case .array(let items):
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                defer { path.removeLast() }
                if let found = item.repeatedKey(&path) { return found }
            }
            return nil
        default:
            return nil
        }
    }

    /// The numbers written with a fraction or exponent, or too large for an
    /// `Int`, with their paths, at most `limit` of them in document order.
    func nonIntegerNumbers(limit: Int) -> [(path: [PathStep], value: Double)] {
        var out: [(path: [PathStep], value: Double)] = []
        var path: [PathStep] = []
        collectDoubles(&path, &out, limit)
        return out
    }

    private func collectDoubles(_ path: inout [PathStep], _ out: inout [(path: [PathStep], value: Double)],
                                _ limit: Int) {
        guard out.count < limit else { return }
        switch self {
        case .double(let d):
            out.append((path, d))
        case .object(let members):
            for (key, value) in members {
                path.append(.key(key))
                value.collectDoubles(&path, &out, limit)
                path.removeLast()
            }
        case .array(let items):
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                item.collectDoubles(&path, &out, limit)
                path.removeLast()
            }
        default:
            break
        }
    }

    /// The document with the value at `path` replaced.
    func replacing(at path: ArraySlice<PathStep>, with new: JSONValue) -> JSONValue {
        guard let step = path.first else { return new }
        switch (self, step) {
        case (.object(var members), .key(let k)):
            if let i = members.firstIndex(where: { $0.key == k }) {
                members[i].value = members[i].value.replacing(at: path.dropFirst(), with: new)
            }
            return .object(members)
        case (.array(var items), .index(let i)) where items.indices.contains(i):
            items[i] = items[i].replacing(at: path.dropFirst(), with: new)
            return .array(items)
        default:
            return self
        }
    }

    /// The value written back as JSON text.
    var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        return out
    }

    private func write(to out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .int(let i): out += Array(String(i).utf8)
        case .double(let d): out += Array("\(d)".utf8)
        case .string(let s): Self.writeString(s, to: &out)
        case .intArray(let ints):
            out.append(UInt8(ascii: "["))
            for (k, i) in ints.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out += Array(String(i).utf8)
            }
            out.append(UInt8(ascii: "]"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (k, m) in members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(m.key, to: &out)
                out.append(UInt8(ascii: ":"))
                m.value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ s: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case 0..<0x20:
                out += Array("\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            default:
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
