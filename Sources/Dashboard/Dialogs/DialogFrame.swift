/// A centred, cleared box over the panes.
public enum DialogFrame {
    public static func open(into c: inout Canvas, over area: Rect, width: Int, height: Int, title: String,
                            glyphs g: Glyphs, danger: Bool = false) -> Rect {
        let r = area.centred(width: width, height: height)
        c.fill(r)
        c.box(r, title: title, style: Style(danger ? .danger : .focusBox, bold: true), titleStyle: Style(.title, bold: true), glyphs: g)
        return Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
    }

    /// `[ Label ]`, reversed when focused so focus shows without colour.
    @discardableResult
    public static func button(into c: inout Canvas, x: Int, y: Int, _ label: String, focused: Bool, danger: Bool = false) -> Int {
        let style = focused ? Style(danger ? .danger : .selected, bold: true, reverse: danger) : Style(.dim)
        return c.text(x, y, "[ \(label) ]", style)
    }
}
