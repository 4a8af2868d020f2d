extension Decision {
    /// The decision as `ContractJSON.encode` writes it (sorted keys, compact),
    /// built directly: a batch of fits spent a tenth of its time in
    /// JSONEncoder. `id` adds the batch line's `"id"` key.
    /// FitJSONDecodingTests checks it byte for byte against JSONEncoder.
    public func jsonText(id: String? = nil) -> String {
        var out: [UInt8] = []
        appendJSON(to: &out, id: id)
        return String(decoding: out, as: UTF8.self)
    }

    /// `jsonText(id:)`'s UTF-8 appended to `out`: a batch writes every
    /// line into one byte buffer, without a String per line (building them
    /// with `+=` was most of the cost of output).
    public func appendJSON(to out: inout [UInt8], id: String? = nil) {
        out.append(UInt8(ascii: "{"))
        if fits {
            out.append(contentsOf: #""cells":["#.utf8)
            for (i, c) in cells.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"guest_cell":"#.utf8)
                Self.append(c.guestCell, to: &out)
                out.append(contentsOf: #","host_cell":"#.utf8)
                Self.append(c.hostCell, to: &out)
                out.append(contentsOf: #","memory_mb":"#.utf8)
                Self.append(c.memoryMB, to: &out)
                out.append(UInt8(ascii: ","))
                if let p = c.pagesizeKB {
                    out.append(contentsOf: #""pagesize_kb":"#.utf8)
                    Self.append(p, to: &out)
                    out.append(UInt8(ascii: ","))
                }
                out.append(contentsOf: #""pinning":{"#.utf8)
                // JSONEncoder sorts keys as strings: "10" before "2".
                let keys = c.pinning.keys.map { String($0) }.sorted()
                for (k, key) in keys.enumerated() {
                    if k > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(UInt8(ascii: "\""))
                    out.append(contentsOf: key.utf8)
                    out.append(contentsOf: #"":"#.utf8)
                    Self.append(c.pinning[Int(key) ?? 0] ?? 0, to: &out)
                }
                out.append(contentsOf: #"},"vcpus":["#.utf8)
                Self.append(list: c.vcpus, to: &out)
                out.append(contentsOf: "]}".utf8)
            }
            out.append(contentsOf: #"],"emulator_cpus":["#.utf8)
            Self.append(list: emulatorCPUs, to: &out)
            out.append(contentsOf: #"],"fits":true,"#.utf8)
            if let id {
                out.append(contentsOf: #""id":"#.utf8)
                out.append(contentsOf: Self.quoted(id).utf8)
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""pci_devices":["#.utf8)
            for (k, d) in pciDevices.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: Self.quoted(d).utf8)
            }
            out.append(contentsOf: "]}".utf8)
        } else {
            out.append(contentsOf: #""fits":false,"#.utf8)
            if let id {
                out.append(contentsOf: #""id":"#.utf8)
                out.append(contentsOf: Self.quoted(id).utf8)
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""reason":"#.utf8)
            out.append(contentsOf: Self.quoted(reason ?? "does not fit").utf8)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Decimal digits of `n`, as `String(n)` writes them.
    static func append(_ n: Int, to out: inout [UInt8]) {
        if n < 0 {
            // Int.min has no positive twin; it is rare enough to go by String.
            guard n != Int.min else { out.append(contentsOf: String(n).utf8); return }
            out.append(UInt8(ascii: "-"))
            append(-n, to: &out)
            return
        }
        if n < 10 { out.append(UInt8(ascii: "0") + UInt8(n)); return }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var v = n
        withUnsafeMutableBytes(of: &digits) { d in
            while v > 0 {
                d[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(d[k]) }
        }
    }

    private static func append(list: [Int], to out: inout [UInt8]) {
        for (k, n) in list.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            append(n, to: &out)
        }
    }

    /// A JSON string literal, escaped as JSONEncoder does with
    /// `.withoutEscapingSlashes`.
    static func quoted(_ s: String) -> String {
        // Most strings (addresses, plain reasons) need no escape.
        if !s.utf8.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) { return "\"" + s + "\"" }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
