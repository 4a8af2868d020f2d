/// A 24-bit colour from a theme file.
public struct RGB: Hashable, Sendable {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8

    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    /// btop's value forms: `#RRGGBB`, `#GG` (grey) or `R G B` in decimal.
    public init?(themeValue v: String) {
        if v.hasPrefix("#") {
            let hex = v.dropFirst()
            guard hex.allSatisfy(\.isHexDigit) else { return nil }
            if hex.count == 6, let n = UInt32(hex, radix: 16) {
                self.init(UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff))
            } else if hex.count == 2, let n = UInt8(hex, radix: 16) {
                self.init(n, n, n)
            } else {
                return nil
            }
            return
        }
        let parts = v.split(separator: " ").compactMap { UInt8($0) }
        guard parts.count == 3 else { return nil }
        self.init(parts[0], parts[1], parts[2])
    }

    /// Linear blend towards `other` by `t` in 0...1.
    public func mixed(with other: RGB, _ t: Double) -> RGB {
        func m(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return RGB(m(r, other.r), m(g, other.g), m(b, other.b))
    }

    var packed: Int { Int(r) << 16 | Int(g) << 8 | Int(b) }
}
