/// A horizontal meter: used (gradient by position, as btop colours its
/// meters), then reserved, then free. Each part has its own glyph so the
/// bar reads the same without colour.
public enum Bar {
    public static func draw(into c: inout Canvas, x: Int, y: Int, width: Int, used: Int, reserved: Int = 0,
                            total: Int, glyphs g: Glyphs, clip: Rect? = nil) {
        guard width > 0 else { return }
        let t = max(total, 1)
        // Round used up so a single pinned CPU on a 128-CPU cell still shows.
        var u = used > 0 ? max(1, (used * width + t - 1) / t) : 0
        u = min(u, width)
        var r = reserved > 0 ? max(1, (reserved * width + t / 2) / t) : 0
        r = min(r, width - u)
        for i in 0..<width {
            let (ch, role): (Character, Role)
            if i < u {
                (ch, role) = (g.barUsed, Role.gradient(Double(i) / Double(max(1, width - 1))))
            } else if i < u + r {
                (ch, role) = (g.barReserved, .barReserved)
            } else {
                (ch, role) = (g.barFree, .barFree)
            }
            c.put(x + i, y, ch, Style(role), clip: clip)
        }
    }
}

extension Bar {
    /// One part of a bar: how many of `total`, its glyph and colour role.
    public struct Part: Hashable, Sendable {
        public var count: Int
        public var glyph: Character
        public var role: Role

        public init(_ count: Int, _ glyph: Character, _ role: Role) {
            self.count = count
            self.glyph = glyph
            self.role = role
        }
    }

    /// Consecutive parts, then free (`g.barFree`) to the end. A part that is
    /// not zero gets at least one cell, so 1 of 1,024 pages held outside
    /// still shows; parts never run past the bar.
    public static func draw(into c: inout Canvas, x: Int, y: Int, width: Int, parts: [Part], total: Int,
                            glyphs g: Glyphs, clip: Rect? = nil) {
        guard width > 0 else { return }
        let t = max(total, 1)
        var i = 0
        for p in parts where p.count > 0 {
            let n = min(width - i, max(1, (p.count * width + t / 2) / t))
            for k in 0..<max(0, n) { c.put(x + i + k, y, p.glyph, Style(p.role), clip: clip) }
            i += max(0, n)
        }
        while i < width {
            c.put(x + i, y, g.barFree, Style(.barFree), clip: clip)
            i += 1
        }
    }

    /// htop's meter: `▕████▒░░░▏`, `width` cells between the ends.
    public static func meter(into c: inout Canvas, x: Int, y: Int, width: Int, used: Int, reserved: Int, total: Int,
                             glyphs g: Glyphs) {
        c.put(x, y, g.meterOpen, Style(.box))
        draw(into: &c, x: x + 1, y: y, width: width, used: used, reserved: reserved, total: total, glyphs: g)
        c.put(x + 1 + width, y, g.meterClose, Style(.box))
    }
}
