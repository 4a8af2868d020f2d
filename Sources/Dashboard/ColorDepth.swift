/// How many colours the terminal can show; the ladder truecolor → 256 →
/// 16 → 8 → mono (attributes only).
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
    case mono, ansi8, ansi16, xterm256, truecolor

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    /// From terminfo's `colors` and `COLORTERM`. ncurses only emits 24-bit
    /// colour with a direct-colour terminfo entry (`colors` ≥ 2^24), so
    /// COLORTERM alone does not promote xterm-256color.
    public static func detect(colors: Int, hasColors: Bool) -> ColorDepth {
        guard hasColors else { return .mono }
        if colors >= 0x1000000 { return .truecolor }
        if colors >= 256 { return .xterm256 }
        if colors >= 16 { return .ansi16 }
        if colors >= 8 { return .ansi8 }
        return .mono
    }

    /// The terminal colour number for `c` at this depth (`-1` for mono).
    public func index(for c: RGB) -> Int {
        switch self {
        case .mono: return -1
        case .truecolor: return c.packed
        case .xterm256: return ColorDepth.nearest256(c)
        case .ansi16: return ColorDepth.nearest(c, in: ColorDepth.ansiPalette)
        case .ansi8: return ColorDepth.nearest(c, in: Array(ColorDepth.ansiPalette.prefix(8)))
        }
    }

    /// xterm's default 16 colours.
    static let ansiPalette: [RGB] = [
        RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
        RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
        RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
        RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
    ]

    static func distance(_ a: RGB, _ b: RGB) -> Int {
        let dr = Int(a.r) - Int(b.r), dg = Int(a.g) - Int(b.g), db = Int(a.b) - Int(b.b)
        return dr * dr * 3 + dg * dg * 4 + db * db * 2
    }

    static func nearest(_ c: RGB, in palette: [RGB]) -> Int {
        var best = 0, bestD = Int.max
        for (i, p) in palette.enumerated() {
            let d = distance(c, p)
            if d < bestD { best = i; bestD = d }
        }
        return best
    }

    /// The closer of the 6×6×6 cube entry and the grey ramp (232–255).
    static func nearest256(_ c: RGB) -> Int {
        let levels: [Int] = [0, 95, 135, 175, 215, 255]
        func step(_ v: UInt8) -> Int {
            var best = 0
            for i in 1..<levels.count where abs(levels[i] - Int(v)) < abs(levels[best] - Int(v)) { best = i }
            return best
        }
        let ri = step(c.r), gi = step(c.g), bi = step(c.b)
        let cube = RGB(UInt8(levels[ri]), UInt8(levels[gi]), UInt8(levels[bi]))
        let avg = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let greyIndex = max(0, min(23, (avg - 8 + 5) / 10))
        let greyLevel = UInt8(8 + greyIndex * 10)
        let grey = RGB(greyLevel, greyLevel, greyLevel)
        if distance(c, grey) < distance(c, cube) { return 232 + greyIndex }
        return 16 + 36 * ri + 6 * gi + bi
    }
}
