import Dashboard
import Testing
import TrackerCore

/// The terminal compares only the rows written since the last frame it
/// showed. Every way of writing a cell must mark its row, or the terminal
/// keeps showing the old row.
@Suite struct CanvasDirtyRowTests {
    static let rows = ["abcdef", "ghijkl", "mnopqr", "stuvwx"]

    /// A frame as the terminal last showed it: its mirror, and the frame
    /// itself with no row dirty.
    static func shown() -> (frame: Canvas, mirror: Canvas) {
        var c = Canvas(width: 6, height: rows.count)
        for (y, row) in rows.enumerated() { c.text(0, y, row) }
        let mirror = c
        c.markClean()
        return (c, mirror)
    }

    @Test(arguments: ["put", "text", "hostText", "fill", "box", "subscript", "foldToASCII"])
    func everyWriteReachesTheTerminal(_ write: String) {
        var (frame, mirror) = Self.shown()
        #expect(!frame.dirtyRows.contains(true))
        switch write {
        case "put": frame.put(2, 1, "X")
        case "text": frame.text(1, 2, "ZZ")
        case "hostText": frame.hostText(0, 3, "q\u{1b}w", maxWidth: 3)
        case "fill": frame.fill(Rect(x: 1, y: 1, width: 2, height: 2), "#")
        case "box": frame.box(Rect(x: 0, y: 0, width: 6, height: 4), style: .normal, titleStyle: .normal, glyphs: .ascii)
        case "subscript": frame[5, 3] = Cell("!", Style(.warn))
        default:
            frame.put(4, 2, "─")
            frame.markClean()
            mirror = frame
            frame.markClean()
            frame.foldToASCII()
        }
        var changedRows = Set<Int>()
        #expect(mirror.update(to: frame) { _, y, _ in changedRows.insert(y) })
        let same = mirror.cells == frame.cells
        #expect(same, "\(write): a written row was left stale: \(mirror.text) vs \(frame.text)")
        #expect(!changedRows.isEmpty, "\(write) changed nothing")
    }

    /// What the saving rests on: a row not written since the last frame is
    /// not compared at all (a mirror that differs there keeps its cells).
    @Test func aRowNotWrittenIsNotCompared() {
        var (frame, mirror) = Self.shown()
        mirror.put(0, 0, "?")
        frame.put(0, 2, "!")
        var seen: [String] = []
        #expect(mirror.update(to: frame) { x, y, _ in seen.append("\(x),\(y)") })
        #expect(seen == ["0,2"])
        #expect(mirror.line(0) == "?bcdef")
    }

    /// The dashboard's idle loop: a full frame, then ticks drawn in place
    /// and marked clean once shown, as `App.frame` does. What the terminal
    /// holds after each tick is what a fresh render of the model shows,
    /// ages and clock included, in both glyph sets.
    @Test func ticksThroughTheMirrorEndEqualToAFreshRender() {
        let claims = [Fixtures.claim("c-1", consumer: "vm-a", cpus: [2, 3], age: 50),
                      Fixtures.claim("c-2", consumer: "vm-b", age: 3_500)]
        for glyphs in [Glyphs.unicode, .ascii] {
            var m = Fixtures.model(Fixtures.smallHost(), claims: claims)
            m.clock = "12:00:00"
            var frame = Fixtures.render(m, glyphs: glyphs)
            var mirror = frame
            frame.markClean()
            var shownClock = m.clock
            for step in 1...4 {
                m.now = Fixtures.now + Double(step * 45)
                // One clock of another width, which redraws the whole header.
                m.clock = step == 3 ? "Tue 12:0\(step):00" : "12:0\(step):00"
                #expect(Screen.tick(m, into: &frame, shownClock: shownClock, glyphs: glyphs))
                #expect(mirror.update(to: frame) { _, _, _ in })
                frame.markClean()
                shownClock = m.clock
                #expect(mirror.cells == Fixtures.render(m, glyphs: glyphs).cells, "step \(step), \(glyphs.isASCII ? "ascii" : "unicode")")
            }
            // The clock's row and the claims pane were compared; the CPU map's were not.
            let clean = Fixtures.render(m, glyphs: glyphs)
            #expect(mirror.line(0) == clean.line(0))
        }
    }
}
