import Dashboard
import Testing
import TrackerCore

/// The terminal keeps its last frame by updating it in place, and an idle
/// tick redraws the dashboard's last frame in place: both must end up with
/// exactly what a fresh frame holds.
@Suite struct CanvasReuseTests {
    static func canvas(_ rows: [String], width: Int) -> Canvas {
        var c = Canvas(width: width, height: rows.count)
        for (y, row) in rows.enumerated() { c.text(0, y, row) }
        return c
    }

    @Test func updateReportsOnlyTheCellsThatDifferAndEndsEqual() {
        var mirror = Self.canvas(["abcdef", "ghijkl", "mnopqr"], width: 6)
        var next = Self.canvas(["abcdef", "gHijkL", "mnopqr"], width: 6)
        // Same character, new style: a change too.
        next.put(0, 2, "m", Style(.warn, bold: true))
        var seen: [String] = []
        let diffed = mirror.update(to: next) { x, y, cell in seen.append("\(x),\(y)=\(cell.char)") }
        #expect(diffed)
        // Row 0 is unchanged; row 1 differs in two cells (not the ones in between), row 2 only in style.
        #expect(seen == ["1,1=H", "5,1=L", "0,2=m"])
        #expect(mirror.cells == next.cells)
        var again: [String] = []
        _ = mirror.update(to: next) { x, y, _ in again.append("\(x),\(y)") }
        #expect(again.isEmpty)
    }

    @Test func updateRefusesAnotherSizeAndLeavesTheFrameAlone() {
        let original = Self.canvas(["abcdef", "ghijkl", "mnopqr"], width: 6)
        for (w, h) in [(4, 3), (6, 2), (8, 3), (6, 5)] {
            var mirror = original
            var calls = 0
            let other = Canvas(width: w, height: h)
            #expect(!mirror.update(to: other) { _, _, _ in calls += 1 }, "\(w)x\(h)")
            #expect(calls == 0)
            #expect(mirror.cells == original.cells)
        }
    }

    @Test(arguments: [nil, "12:00:00"])
    func tickInPlaceDrawsWhatAFreshRenderDraws(shownClock: String?) {
        let claims = [Fixtures.claim("c-1", consumer: "vm-a", cpus: [2, 3], age: 50),
                      Fixtures.claim("c-2", consumer: "vm-b", age: 3_500)]
        var m = Fixtures.model(Fixtures.smallHost(), claims: claims)
        for glyphs in [Glyphs.unicode, .ascii] {
            var frame = Fixtures.render(m, glyphs: glyphs)
            let kept = frame
            // A minute and a half later: ages and the clock move, nothing else.
            m.now = Fixtures.now + 90
            m.clock = "12:01:30"
            #expect(Screen.tick(m, into: &frame, shownClock: shownClock, glyphs: glyphs))
            #expect(frame.cells == Fixtures.render(m, glyphs: glyphs).cells)
            #expect(frame.line(0).hasSuffix("12:01:30"))
            #expect(frame.text != kept.text, "the ages should have moved")
            m.now = Fixtures.now
            m.clock = "12:00:00"
        }
    }

    /// A clock of another width moves where the header's segments end, so
    /// the whole header is drawn again; with no host there is no clock.
    @Test func tickRedrawsTheWholeHeaderWhenTheClockIsNotJustADigitChange() {
        var m = Fixtures.model(Fixtures.smallHost())
        m.clock = "Mon 12:00:00"
        var frame = Fixtures.render(m)
        m.clock = "12:00:01"
        #expect(Screen.tick(m, into: &frame, shownClock: "Mon 12:00:00", glyphs: .unicode))
        #expect(frame.cells == Fixtures.render(m).cells)
        #expect(!frame.line(0).contains("Mon"))

        m.host = nil
        m.pollError = "cannot read /sys"
        frame = Fixtures.render(m)
        m.clock = "12:00:02"
        #expect(Screen.tick(m, into: &frame, shownClock: "12:00:01", glyphs: .unicode))
        #expect(frame.cells == Fixtures.render(m).cells)
        #expect(!frame.line(0).contains("12:00"))
    }

    @Test func tickWithAnOverlayLeavesTheFrameForAFullRender() {
        var m = Fixtures.model(Fixtures.smallHost())
        var frame = Fixtures.render(m)
        let kept = frame
        m.overlay = .help(scroll: 0)
        #expect(!Screen.tick(m, into: &frame, glyphs: .unicode))
        #expect(frame.cells == kept.cells)
    }
}
