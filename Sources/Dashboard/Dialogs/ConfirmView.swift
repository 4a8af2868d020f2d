import TrackerCore

/// Draws a `ConfirmDialog` and the type-the-count dialog.
public enum ConfirmView {
    public static func draw(_ d: ConfirmDialog, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let width = min(area.width - 4, max(60, (d.lines.map(\.count).max() ?? 0) + 6))
        let inner = DialogFrame.open(into: &c, over: area, width: width, height: d.lines.count + 6, title: d.title,
                                     glyphs: g, danger: true)
        for (i, l) in d.lines.enumerated() { c.hostText(inner.x, inner.y + i, l, Style(.normal), maxWidth: inner.width) }
        // The reason field: what the audit log will say, typed or the default.
        let ry = inner.y + d.lines.count + 1
        let label = "Reason: "
        c.text(inner.x, ry, label, Style(.label, bold: true))
        let room = inner.width - label.count - 1
        if d.reason.isEmpty {
            c.text(inner.x + label.count, ry, "_ (optional, for the audit log)", Style(.dim), maxWidth: room + 1)
        } else {
            // Keep the end of a long reason in view, where the typing happens.
            let clean = SafeText.forScreen(d.reason, ascii: c.ascii)
            let tail = clean.count > room ? String(clean.suffix(room)) : clean
            let x = c.text(inner.x + label.count, ry, tail, Style(.value, bold: true))
            c.put(x, ry, "_", Style(.value, bold: true))
        }
        let y = inner.maxY - 1
        let x = DialogFrame.button(into: &c, x: inner.x, y: y, d.actionLabel, focused: d.actionFocused, danger: true)
        DialogFrame.button(into: &c, x: x + 2, y: y, "Cancel", focused: !d.actionFocused)
    }

    public static func draw(_ d: TypeCountDialog, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let inner = DialogFrame.open(into: &c, over: area, width: 60, height: 8, title: "Release all stuck claims",
                                     glyphs: g, danger: true)
        c.text(inner.x, inner.y, "Release \(d.ids.count) stuck claim\(d.ids.count == 1 ? "" : "s"): their CPUs,", Style(.normal))
        c.hostText(inner.x, inner.y + 1, "pages and devices return to the pool. (\(d.ids.prefix(6).joined(separator: " "))\(d.ids.count > 6 ? " …" : ""))",
                   Style(.normal), maxWidth: inner.width)
        c.text(inner.x, inner.y + 3, "Type \(d.ids.count) and press Enter, Esc to cancel:", Style(.label, bold: true))
        c.text(inner.x, inner.y + 4, "> " + d.typed + "_", Style(.danger, bold: true))
    }
}
