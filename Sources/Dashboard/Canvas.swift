import TrackerCore

/// An in-memory grid of styled cells. Panes draw here; the terminal copies
/// only the cells that changed since the last frame, and tests read the
/// grid back as text. Drawing outside the grid or a clip rectangle is
/// silently dropped, so a pane can never scribble over its neighbour.
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Host strings are reduced to ASCII as well in ASCII mode.
    public var ascii: Bool
    /// Rows written since `markClean` (every row of a new canvas): the
    /// terminal compares only these with the frame it last showed, so a
    /// tick that redraws the clock does not compare every cell of the
    /// screen. A row written with what it already held stays marked, which
    /// costs a comparison, never a stale row.
    public private(set) var dirtyRows: [Bool]

    public init(width: Int, height: Int, ascii: Bool = false) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.ascii = ascii
        cells = Array(repeating: Cell(), count: self.width * self.height)
        dirtyRows = Array(repeating: true, count: self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set {
            cells[y * width + x] = newValue
            dirtyRows[y] = true
        }
    }

    /// The canvas now matches what the terminal shows: no row is dirty.
    public mutating func markClean() {
        for y in dirtyRows.indices where dirtyRows[y] { dirtyRows[y] = false }
    }

    /// Writes one character if it lies inside `clip` (default: the grid).
    public mutating func put(_ x: Int, _ y: Int, _ ch: Character, _ style: Style = .normal, clip: Rect? = nil) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        if let c = clip, x < c.x || y < c.y || x >= c.maxX || y >= c.maxY { return }
        cells[y * width + x] = Cell(ch, style)
        dirtyRows[y] = true
    }

    /// Writes trusted text (our own labels) starting at x; stops at `maxWidth`
    /// columns or the clip edge. Returns the column after the last character.
    @discardableResult
    public mutating func text(_ x: Int, _ y: Int, _ s: String, _ style: Style = .normal, maxWidth: Int? = nil,
                              clip: Rect? = nil) -> Int {
        var cx = x
        let limit = maxWidth.map { x + $0 } ?? Int.max
        for ch in s {
            if cx >= limit { break }
            put(cx, y, ch, style, clip: clip)
            cx += 1
        }
        return cx
    }

    /// Writes a string that came from the host or the ledger: control and
    /// escape characters are stripped first. Truncated with `…` when it
    /// does not fit `maxWidth`.
    @discardableResult
    public mutating func hostText(_ x: Int, _ y: Int, _ s: String, _ style: Style = .normal, maxWidth: Int,
                                  clip: Rect? = nil) -> Int {
        let clean = SafeText.forScreen(s, ascii: ascii)
        return text(x, y, Canvas.fit(clean, maxWidth, ascii: ascii), style, maxWidth: maxWidth, clip: clip)
    }

    /// `s` cut to `n` columns with an ellipsis when it was longer.
    public static func fit(_ s: String, _ n: Int, ascii: Bool = false) -> String {
        guard n > 0 else { return "" }
        guard s.count > n else { return s }
        if n == 1 { return ascii ? "~" : "…" }
        return String(s.prefix(n - 1)) + (ascii ? "~" : "…")
    }

    public mutating func fill(_ r: Rect, _ ch: Character = " ", _ style: Style = .normal) {
        // A rectangle wholly off the grid would make these ranges run backwards.
        let x0 = max(0, r.x), x1 = min(width, r.maxX), y0 = max(0, r.y), y1 = min(height, r.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for yy in y0..<y1 {
            for xx in x0..<x1 { cells[yy * width + xx] = Cell(ch, style) }
            dirtyRows[yy] = true
        }
    }

    /// A single-line box with an optional title in the top border.
    public mutating func box(_ r: Rect, title: String? = nil, style: Style, titleStyle: Style, glyphs g: Glyphs) {
        guard r.width >= 2, r.height >= 2 else { return }
        put(r.x, r.y, g.tl, style)
        put(r.maxX - 1, r.y, g.tr, style)
        put(r.x, r.maxY - 1, g.bl, style)
        put(r.maxX - 1, r.maxY - 1, g.br, style)
        for xx in (r.x + 1)..<(r.maxX - 1) {
            put(xx, r.y, g.h, style)
            put(xx, r.maxY - 1, g.h, style)
        }
        for yy in (r.y + 1)..<(r.maxY - 1) {
            put(r.x, yy, g.v, style)
            put(r.maxX - 1, yy, g.v, style)
        }
        if let title, r.width > 6 {
            // Titles carry claim ids and PCI addresses from the ledger and host.
            let t = Canvas.fit(SafeText.forScreen(title, ascii: ascii), r.width - 6, ascii: ascii)
            put(r.x + 1, r.y, g.teeL, style)
            text(r.x + 2, r.y, " " + t + " ", titleStyle)
            put(r.x + 4 + t.count, r.y, g.teeR, style)
        }
    }

    /// Makes this grid equal to `new` in place, calling `changed` for each
    /// cell that differed, in row order. Only `new`'s dirty rows are
    /// compared: `new` must be this grid's last state with only those rows
    /// written since (or a new canvas, all dirty). The terminal keeps its last frame
    /// this way: its own buffer is overwritten rather than sharing (and then
    /// copying) the dashboard's. False, with nothing changed, when the sizes
    /// differ: the caller repaints everything instead.
    public mutating func update(to new: Canvas, changed: (_ x: Int, _ y: Int, _ cell: Cell) -> Void) -> Bool {
        guard new.width == width, new.height == height else { return false }
        ascii = new.ascii
        let w = width
        new.cells.withUnsafeBufferPointer { srcBuffer in
            cells.withUnsafeMutableBufferPointer { dstBuffer in
                guard let src = srcBuffer.baseAddress, let dst = dstBuffer.baseAddress else { return }
                for y in 0..<height where new.dirtyRows[y] {
                    let row = y * w
                    // Most rows of an idle frame are unchanged: one cheap pass to find out.
                    var x = 0
                    while x < w, Cell.same(dst + row + x, src + row + x) { x += 1 }
                    while x < w {
                        if !Cell.same(dst + row + x, src + row + x) {
                            let cell = src[row + x]
                            dst[row + x] = cell
                            changed(x, y, cell)
                        }
                        x += 1
                    }
                }
            }
        }
        return true
    }

    /// Replaces every non-ASCII character with an ASCII stand-in, for
    /// `--ascii` and non-UTF-8 locales, where ncurses cannot show them.
    public mutating func foldToASCII() {
        for i in cells.indices {
            let ch = cells[i].char
            guard !ch.isASCII else { continue }
            cells[i].char = SafeText.asciiStandIns[ch] ?? "?"
            dirtyRows[i / width] = true
        }
    }


    /// Row `y` as plain text, trailing spaces removed.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var s = String(cells[(y * width)..<((y + 1) * width)].map(\.char))
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The whole grid as text, one line per row.
    public var text: String { (0..<height).map(line).joined(separator: "\n") }

    /// The text inside a rectangle, one line per row, trailing spaces removed.
    public func text(in r: Rect) -> String {
        var rows: [String] = []
        let x0 = max(0, r.x), x1 = min(width, r.maxX), y0 = max(0, r.y), y1 = min(height, r.maxY)
        guard x0 < x1, y0 < y1 else { return "" }
        for yy in y0..<y1 {
            var s = String((x0..<x1).map { cells[yy * width + $0].char })
            while s.last == " " { s.removeLast() }
            rows.append(s)
        }
        return rows.joined(separator: "\n")
    }
}
