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

    /// A counter such as " 3/8 " on the pane's bottom (or top) border, right
    /// aligned with one border character left before the corner, so the
    /// corner and the title are never overwritten. Dropped when it does not
    /// fit beside the title.
    public static func counter(_ text: String, into c: inout Canvas, rect r: Rect, top: Bool = false,
                               titleWidth: Int = 0) {
        let label = " \(text) "
        let x = r.maxX - 2 - label.count
        guard x > r.x + 1 + (top ? titleWidth : 0) else { return }
        c.text(x, top ? r.y : r.maxY - 1, label, Style(.dim))
    }
}
