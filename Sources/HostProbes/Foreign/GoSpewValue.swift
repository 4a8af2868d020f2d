/// A Go value as go-spew's `%#v` formatter prints it with the settings of
/// `k8s.io/utils/dump.ForHash` (SortKeys, SpewKeys, DisableMethods,
/// DisablePointerAddresses, DisableCapacities): the text the kubelet hashes
/// for a checkpoint's legacy checksum. Each case carries the Go type name
/// spew prints (`map[string]string`, `*state.CPUManagerCheckpointV2`).
///
/// The rules reproduced (spew/format.go): a value's type is printed in
/// parentheses unless it is an element of a slice or map (key or value);
/// a pointer prints `(*T)` at the top and as a struct field, `<*>` inside a
/// slice or map, then its target without a type; nil maps, slices and
/// pointers print `<nil>`; map keys are sorted (ints numerically, strings
/// bytewise); struct fields print `Name:` before the value.
indirect enum GoSpewValue {
    case string(type: String, String)
    case int(type: String, Int64)
    case uint(type: String, UInt64)
    /// nil: a nil slice.
    case slice(type: String, [GoSpewValue]?)
    /// nil: a nil map. Keys are `.string`, `.int` or `.uint` values.
    case map(type: String, [(key: GoSpewValue, value: GoSpewValue)]?)
    case structure(type: String, fields: [(name: String, value: GoSpewValue)])
    /// `type` is the pointer's (`*state.MemoryTable`); nil: a nil pointer.
    case pointer(type: String, GoSpewValue?)

    /// The `%#v` text as UTF-8 bytes.
    var dump: [UInt8] {
        var out: [UInt8] = []
        write(into: &out, showType: true)
        return out
    }

    private func write(into out: inout [UInt8], showType: Bool) {
        switch self {
        case .pointer(let type, let target):
            guard let target else {
                if showType { Self.put("(" + type + ")", &out) }
                Self.put("<nil>", &out)
                return
            }
            Self.put(showType ? "(" + type + ")" : "<*>", &out)
            target.write(into: &out, showType: false)
        case .string(let type, let s):
            prefix(type, showType, &out)
            out.append(contentsOf: s.utf8)
        case .int(let type, let v):
            prefix(type, showType, &out)
            Self.put(String(v), &out)
        case .uint(let type, let v):
            prefix(type, showType, &out)
            Self.put(String(v), &out)
        case .slice(let type, let items):
            prefix(type, showType, &out)
            guard let items else { Self.put("<nil>", &out); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                item.write(into: &out, showType: false)
            }
            out.append(UInt8(ascii: "]"))
        case .map(let type, let pairs):
            prefix(type, showType, &out)
            guard let pairs else { Self.put("<nil>", &out); return }
            Self.put("map[", &out)
            for (i, pair) in pairs.sorted(by: { Self.keyLess($0.key, $1.key) }).enumerated() {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                pair.key.write(into: &out, showType: false)
                out.append(UInt8(ascii: ":"))
                pair.value.write(into: &out, showType: false)
            }
            out.append(UInt8(ascii: "]"))
        case .structure(let type, let fields):
            prefix(type, showType, &out)
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: " ")) }
                Self.put(field.name + ":", &out)
                field.value.write(into: &out, showType: true)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private func prefix(_ type: String, _ showType: Bool, _ out: inout [UInt8]) {
        if showType { Self.put("(" + type + ")", &out) }
    }

    private static func put(_ s: String, _ out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
    }

    /// spew's `valueSortLess` for the key kinds a checkpoint has: Go
    /// compares strings bytewise, not by Unicode collation.
    private static func keyLess(_ a: GoSpewValue, _ b: GoSpewValue) -> Bool {
        switch (a, b) {
        case (.int(_, let x), .int(_, let y)): return x < y
        case (.uint(_, let x), .uint(_, let y)): return x < y
        case (.string(_, let x), .string(_, let y)): return x.utf8.lexicographicallyPrecedes(y.utf8)
        default: return false
        }
    }
}
