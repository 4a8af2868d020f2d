@testable import Dashboard
import Testing

/// The terminal's diff decides "unchanged" from the characters' bits, and
/// must still agree with `==` whatever the bits.
struct CellSameTests {
    @Test func agreesWithEquality() {
        let pairs: [(Cell, Cell)] = [
            (Cell("─"), Cell("─")),
            (Cell("─"), Cell("│")),
            (Cell("a"), Cell("a", Style(.warn))),
            (Cell("a", Style(.normal, bold: true)), Cell("a")),
            // One character, two encodings: equal, with different bits.
            (Cell("\u{e9}"), Cell("e\u{301}")),
            (Cell("🇩🇪"), Cell("🇩🇪")),
            (Cell(" "), Cell()),
        ]
        for (a, b) in pairs {
            #expect(Cell.same(a, b) == (a == b), "\(a.char) vs \(b.char)")
        }
        #expect(Cell.same(Cell("\u{e9}"), Cell("e\u{301}")))
        #expect(!Cell.same(Cell("─"), Cell("│")))
    }
}
