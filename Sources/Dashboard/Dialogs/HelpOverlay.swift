/// Every binding from `KeyBinding.table`, so help can never disagree with
/// the keys. In read-only mode the ledger-changing ones are listed as
/// disabled rather than hidden, so operators know why `c` does nothing.
public enum HelpOverlay {
    public static func lines(readOnly: Bool) -> [(String, String, Bool)] {
        KeyBinding.table.map { b in
            (b.keys.map(\.label).joined(separator: " "), b.summary, readOnly && b.changesLedger)
        }
    }

    public static func draw(readOnly: Bool, scroll: Int, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let rows = lines(readOnly: readOnly)
        let twoColumns = area.width >= 110
        let perColumn = twoColumns ? (rows.count + 1) / 2 : rows.count
        let width = twoColumns ? 108 : min(area.width - 2, 64)
        let height = min(area.height, perColumn + 4)
        let title = readOnly ? "Keys (read-only: ledger changes disabled)" : "Keys"
        let inner = DialogFrame.open(into: &c, over: area, width: width, height: height, title: title, glyphs: g)
        let visible = inner.height - 1
        let start = twoColumns ? 0 : max(0, min(scroll, rows.count - visible))
        for (i, row) in rows.enumerated() {
            let col = twoColumns ? i / perColumn : 0
            let line = (twoColumns ? i % perColumn : i) - start
            guard line >= 0, line < visible else { continue }
            let x = inner.x + col * (width / 2)
            let keyStyle = row.2 ? Style(.dim) : Style(.key, bold: true)
            c.text(x, inner.y + line, row.0, keyStyle, maxWidth: 11)
            let text = row.2 ? row.1 + " (disabled)" : row.1
            c.text(x + 12, inner.y + line, text, Style(row.2 ? .dim : .normal), maxWidth: (twoColumns ? width / 2 : width) - 14)
        }
        c.text(inner.x, inner.maxY - 1, "any key closes" + (twoColumns ? "" : " · ↑↓ scroll"), Style(.dim))
    }
}
