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
