extension Decision {
    /// The decision as `ContractJSON.encode` writes it (sorted keys, compact),
    /// built directly: a batch of fits spent a tenth of its time in
    /// JSONEncoder. `id` adds the batch line's `"id"` key.
    /// FitJSONDecodingTests checks it byte for byte against JSONEncoder.
    public func jsonText(id: String? = nil) -> String {
        var out = "{"
        if fits {
            out += "\"cells\":["
            for (i, c) in cells.enumerated() {
                if i > 0 { out += "," }
                out += "{\"guest_cell\":\(c.guestCell),\"host_cell\":\(c.hostCell),\"memory_mb\":\(c.memoryMB),"
                if let p = c.pagesizeKB { out += "\"pagesize_kb\":\(p)," }
                out += "\"pinning\":{"
                // JSONEncoder sorts keys as strings: "10" before "2".
                let keys = c.pinning.keys.map { String($0) }.sorted()
                for (k, key) in keys.enumerated() {
                    if k > 0 { out += "," }
                    out += "\"\(key)\":\(c.pinning[Int(key) ?? 0] ?? 0)"
                }
                out += "},\"vcpus\":[" + c.vcpus.map(String.init).joined(separator: ",") + "]}"
            }
            out += "],\"emulator_cpus\":[" + emulatorCPUs.map(String.init).joined(separator: ",") + "],\"fits\":true,"
            if let id { out += "\"id\":" + Self.quoted(id) + "," }
            out += "\"pci_devices\":[" + pciDevices.map(Self.quoted).joined(separator: ",") + "]}"
        } else {
            out += "\"fits\":false,"
            if let id { out += "\"id\":" + Self.quoted(id) + "," }
            out += "\"reason\":" + Self.quoted(reason ?? "does not fit") + "}"
        }
        return out
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
