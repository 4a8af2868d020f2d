import Dashboard
import Testing

@Suite struct ThemeTests {
    @Test func parsesBtopSyntaxAndFallsBack() {
        let text = """
        # comment
        theme[main_fg]="#102030"
        theme[free]="#80"
        theme[pinned]="255 128 0"
        theme[cpu_start]="#ff0000"
        theme[main_bg]=""
        theme[danger]="not a colour"
        garbage line
        """
        let (t, warnings) = Theme.parse(text, name: "t")
        #expect(t.color("main_fg") == RGB(0x10, 0x20, 0x30))
        #expect(t.color("free") == RGB(0x80, 0x80, 0x80))
        #expect(t.color("pinned") == RGB(255, 128, 0))
        #expect(t.color("main_bg") == nil)
        // Invalid value and missing keys keep the default.
        #expect(t.color("danger") == Theme.builtinDefault.color("danger"))
        #expect(t.color("ok") == Theme.builtinDefault.color("ok"))
        #expect(warnings.count == 2)
    }

    @Test func colourLadder() {
        #expect(ColorDepth.xterm256.index(for: RGB(255, 0, 0)) == 196)
        #expect(ColorDepth.xterm256.index(for: RGB(0x80, 0x80, 0x80)) == 244)
        #expect(ColorDepth.ansi16.index(for: RGB(250, 10, 10)) == 9)
        #expect(ColorDepth.ansi8.index(for: RGB(250, 10, 10)) == 1)
        #expect(ColorDepth.truecolor.index(for: RGB(1, 2, 3)) == 0x010203)
        #expect(ColorDepth.detect(colors: 256, hasColors: true) == .xterm256)
        #expect(ColorDepth.detect(colors: 8, hasColors: false) == .mono)
    }

    @Test func shippedThemesLoadWithoutWarnings() throws {
        let dir = URLPath.repoRoot + "/themes"
        let catalog = ThemeCatalog(directories: [dir])
        let names = catalog.names()
        for required in ["default", "light", "high-contrast", "colorblind", "mono"] { #expect(names.contains(required)) }
        for n in names {
            let (_, w) = catalog.load(n)
            #expect(w.isEmpty, "\(n): \(w)")
        }
        #expect(catalog.load("mono").0.attributesOnly)
        // The colour-blind theme must not pair red with green for free/stuck.
        let cb = catalog.load("colorblind").0
        let free = try #require(cb.color("free"))
        #expect(free.b > free.g, "free should be blue, not green")
    }
}

enum URLPath {
    static var repoRoot: String {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)
        return "/" + parts.joined(separator: "/")
    }
}
