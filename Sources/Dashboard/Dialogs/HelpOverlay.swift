/// Every binding from `KeyBinding.table`, pane keys first and then each
/// overlay's, so help can never disagree with the keys. In read-only mode
/// the ledger-changing ones are listed as disabled rather than hidden, so
/// operators know why `c` does nothing. Keys and descriptions wrap at word
/// boundaries inside their columns, and the list scrolls when it is taller
/// than the box.
public enum HelpOverlay {
    /// (keys, summary, disabled) for every record of the table.
    public static func lines(readOnly: Bool) -> [(String, String, Bool)] {
        KeyBinding.table.map { b in
            (b.keys.map(\.label).joined(separator: " "), b.summary, readOnly && b.changesLedger)
        }
    }

    static let keyWidth = 11
    static let columnGap = 2

    /// One screen line of the list.
    struct Line: Hashable {
        enum Kind: Hashable { case heading, entry, disabled, blank }
        var key: String
        var text: String
        var kind: Kind
    }

    /// Where everything goes for one terminal size; the controller uses the
    /// same value to clamp scrolling.
    public struct View {
        public let width: Int
        public let height: Int
        public let twoColumns: Bool
        public let columnWidth: Int
        let columns: [[Line]]
        /// List rows shown at once (the box minus border, gap and footer).
        public let visibleRows: Int
        public let maxScroll: Int

        public init(readOnly: Bool, area: Rect?) {
            let area = area ?? Rect(x: 0, y: 0, width: Layout.minWidth, height: Layout.minHeight - 4)
            twoColumns = area.width >= 110
            width = twoColumns ? 108 : min(area.width - 2, 64)
            let innerWidth = width - 4
            columnWidth = twoColumns ? (innerWidth - HelpOverlay.columnGap) / 2 : innerWidth
            let blocks = HelpOverlay.blocks(readOnly: readOnly, textWidth: columnWidth - HelpOverlay.keyWidth - 1)
            columns = twoColumns ? HelpOverlay.split(blocks) : [blocks.flatMap { $0 }]
            let tallest = columns.map(\.count).max() ?? 0
            height = max(5, min(area.height, tallest + 4))
            visibleRows = height - 4
            maxScroll = max(0, tallest - visibleRows)
        }
    }

    /// Each record as a block of lines; a context's heading (and the blank
    /// line before it) belongs to its first record, so a heading never ends
    /// a column on its own.
    static func blocks(readOnly: Bool, textWidth: Int) -> [[Line]] {
        var out: [[Line]] = []
        for context in KeyContext.allCases {
            let records = KeyBinding.table.filter { $0.context == context }
            for (i, b) in records.enumerated() {
                var block: [Line] = []
                if i == 0 {
                    if !out.isEmpty { block.append(Line(key: "", text: "", kind: .blank)) }
                    block.append(Line(key: "", text: context.title, kind: .heading))
                }
                let disabled = readOnly && b.changesLedger
                let keys = Fmt.wrap(b.keys.map(\.label).joined(separator: " "), keyWidth)
                let text = Fmt.wrap(disabled ? b.summary + " (disabled)" : b.summary, textWidth)
                for n in 0..<max(keys.count, text.count) {
                    block.append(Line(key: n < keys.count ? keys[n] : "", text: n < text.count ? text[n] : "",
                                      kind: disabled ? .disabled : .entry))
                }
                out.append(block)
            }
        }
        return out
    }

    /// Two columns as even as whole blocks allow; a blank line that would
    /// open the right column is dropped.
    static func split(_ blocks: [[Line]]) -> [[Line]] {
        let heights = blocks.map(\.count)
        let total = heights.reduce(0, +)
        var best = 0, bestTallest = Int.max, running = 0
        for k in 0...blocks.count {
            let tallest = max(running, total - running)
            if tallest < bestTallest { best = k; bestTallest = tallest }
            if k < blocks.count { running += heights[k] }
        }
        var right = Array(blocks[best...].joined())
        if right.first?.kind == .blank { right.removeFirst() }
        return [Array(blocks[..<best].joined()), right]
    }

    public static func draw(readOnly: Bool, scroll: Int, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let view = View(readOnly: readOnly, area: area)
        let title = readOnly ? "Keys (read-only: ledger changes disabled)" : "Keys"
        let inner = DialogFrame.open(into: &c, over: area, width: view.width, height: view.height, title: title, glyphs: g)
        let start = max(0, min(scroll, view.maxScroll))
        for (col, lines) in view.columns.enumerated() {
            let x = inner.x + col * (view.columnWidth + columnGap)
            for (row, line) in lines.dropFirst(start).prefix(view.visibleRows).enumerated() {
                let y = inner.y + row
                switch line.kind {
                case .blank: break
                case .heading:
                    c.text(x, y, line.text, Style(.title, bold: true), maxWidth: view.columnWidth)
                case .entry, .disabled:
                    let off = line.kind == .disabled
                    c.text(x, y, line.key, off ? Style(.dim) : Style(.key, bold: true), maxWidth: keyWidth)
                    c.text(x + keyWidth + 1, y, line.text, Style(off ? .dim : .normal),
                           maxWidth: view.columnWidth - keyWidth - 1)
                }
            }
        }
        var footer = "Esc closes · q quits"
        if view.maxScroll > 0 {
            footer = "↑↓ PgUp PgDn Home End scroll · " + footer
            let tallest = view.maxScroll + view.visibleRows
            let position = "\(start + 1)-\(start + view.visibleRows)/\(tallest)"
            if footer.count + position.count + 2 <= inner.width {
                c.text(inner.maxX - position.count, inner.maxY - 1, position, Style(.dim))
            }
        }
        c.text(inner.x, inner.maxY - 1, footer, Style(.dim), maxWidth: inner.width)
    }
}
