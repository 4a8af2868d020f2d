/// PCI addresses in sysfs's spelling, `DDDD:BB:SS.F` in lower-case hex.
enum PCIAddress {
    static func format(domain: Int, bus: Int, slot: Int, function: Int) -> String {
        hex(domain, 4) + ":" + hex(bus, 2) + ":" + hex(slot, 2) + "." + String(function)
    }

    private static func hex(_ v: Int, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// The parts of an address, or nil when `text` is not one.
    static func parse(_ text: String) -> (domain: Int, bus: Int, slot: Int, function: Int)? {
        let colon = text.split(separator: ":", omittingEmptySubsequences: false)
        guard colon.count == 3 else { return nil }
        let dot = colon[2].split(separator: ".", omittingEmptySubsequences: false)
        guard dot.count == 2,
              colon[0].count >= 4, colon[1].count == 2, dot[0].count == 2, dot[1].count == 1,
              let d = Int(colon[0], radix: 16), let b = Int(colon[1], radix: 16),
              let s = Int(dot[0], radix: 16), let f = Int(dot[1], radix: 16), s < 32, f < 8 else { return nil }
        return (d, b, s, f)
    }

    static func hex4(_ v: Int) -> String { hex(v, 4) }
}
