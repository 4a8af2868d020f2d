/// The border and title every pane shares; the focused pane's border is
/// drawn in the focus colour and bold, so focus shows in mono too.
public enum PaneFrame {
    public static func draw(into c: inout Canvas, rect r: Rect, title: String, focused: Bool, glyphs g: Glyphs) -> Rect {
        let style = focused ? Style(.focusBox, bold: true) : Style(.box)
        c.fill(r)
        c.box(r, title: title, style: style, titleStyle: Style(.title, bold: true), glyphs: g)
        return r.inner
    }

    /// The first row to show so that `selected` stays visible in `rows` rows.
    public static func scroll(selected: Int, current: Int, rows: Int, count: Int) -> Int {
        guard rows > 0, count > rows else { return 0 }
        var s = current
        if selected < s { s = selected }
        if selected >= s + rows { s = selected - rows + 1 }
        return max(0, min(s, count - rows))
    }
}
