import Dashboard
import Testing
import TrackerCore

/// Issue 9, keys: each test fails with the behaviour the issue reports.
@Suite struct DashboardKeyTests {
    func press(_ keys: [Key], _ ctl: SyncController, _ m: inout DashboardModel, _ w: Int, _ h: Int) -> Effect {
        var last = Effect.none
        for k in keys { last = ctl.handle(k, &m, width: w, height: h) }
        return last
    }

    /// The selected CPU line of the CPU map, as drawn.
    func selectedCPULine(_ m: DashboardModel, _ w: Int, _ h: Int) -> String {
        let c = Fixtures.render(m, w, h)
        guard let layout = Layout(width: w, height: h) else { return "" }
        return c.text(in: layout.cpus.inner).split(separator: "\n").map(String.init).first { $0.hasPrefix("CPU ") } ?? ""
    }

    @Test func jAndKMoveOneTileRowInTheCPUMapOfTheFourSocketHost() throws {
        // At 160x50 the eight cells of this host are drawn with a blank row
        // between them, each cell on one tile row, CPU 0 first in cell 0 and
        // CPU 32 first in cell 1 (cells hold 0-31,256-287 and 32-63,288-319).
        let host = try Fixtures.example("four-socket-512")
        let ctl = Fixtures.controller(Fixtures.service(host))
        var m = Fixtures.model(host)
        m.focus = .cpus
        #expect(selectedCPULine(m, 160, 50).hasPrefix("CPU 0 · cell 0 ·"))
        _ = press([.char("j")], ctl, &m, 160, 50)
        #expect(selectedCPULine(m, 160, 50).hasPrefix("CPU 32 · cell 1 ·"), "j must move to the next row, not the last CPU")
        _ = press([.char("j")], ctl, &m, 160, 50)
        #expect(selectedCPULine(m, 160, 50).hasPrefix("CPU 64 · cell 2 ·"))
        _ = press([.char("k")], ctl, &m, 160, 50)
        #expect(selectedCPULine(m, 160, 50).hasPrefix("CPU 32 · cell 1 ·"), "k must move one row up, not to CPU 0")
        // Arrow keys are the same binding.
        _ = press([.down], ctl, &m, 160, 50)
        #expect(selectedCPULine(m, 160, 50).hasPrefix("CPU 64 · cell 2 ·"))
    }

    @Test func helpScrollsWithItsListedKeysAndPgDnDoesNotCloseIt() throws {
        let ctl = Fixtures.controller(Fixtures.service(Fixtures.smallHost()))
        var m = Fixtures.model(Fixtures.smallHost())
        _ = press([.char("?")], ctl, &m, 80, 24)
        #expect(m.overlay == .help(scroll: 0))
        let view = HelpOverlay.View(readOnly: false, area: Layout(width: 80, height: 24)?.body)
        #expect(view.maxScroll > 0, "at 80x24 the key list is taller than the box")
        let footer = Fixtures.render(m, 80, 24).text
        #expect(footer.contains("↑↓ PgUp PgDn Home End scroll"))

        _ = press([.pageDown], ctl, &m, 80, 24)
        #expect(m.overlay == .help(scroll: view.visibleRows), "PgDn scrolls one page")
        _ = press([.pageUp], ctl, &m, 80, 24)
        #expect(m.overlay == .help(scroll: 0))
        _ = press([.end], ctl, &m, 80, 24)
        #expect(m.overlay == .help(scroll: view.maxScroll))
        // The last section (the filter prompt's keys) is on screen at the bottom.
        #expect(Fixtures.render(m, 80, 24).text.contains("Filter prompt (/)"))
        _ = press([.pageDown, .char("j"), .down], ctl, &m, 80, 24)
        #expect(m.overlay == .help(scroll: view.maxScroll), "scrolling stops at the end")
        _ = press([.char("k"), .home], ctl, &m, 80, 24)
        #expect(m.overlay == .help(scroll: 0))
        #expect(!Fixtures.render(m, 80, 24).text.contains("Filter prompt (/)"))
        _ = press([.escape], ctl, &m, 80, 24)
        #expect(m.overlay == nil)
        // q in help still quits.
        #expect(press([.char("?"), .char("q")], ctl, &m, 80, 24) == .quit)
    }

    @Test func detailsScrollWithinTheirLinesAndCloseOnlyOnTheirKeys() throws {
        // One "device" line per held address: 30 of them outgrow the box at 80x24.
        let devices = (0..<30).map { "0000:9\($0 / 10):0\($0 % 10).0" }
        let claim = Fixtures.claim("c1long", consumer: "vm", cpus: [2], devices: devices, age: 30, state: .confirmed)
        let ctl = Fixtures.controller(Fixtures.service(Fixtures.smallHost(), claims: [claim]))
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        m.focus = .claims
        _ = press([.enter], ctl, &m, 80, 24)
        #expect(m.overlay == .claimDetail(id: "c1long", scroll: 0))
        let host = try #require(m.host)
        let count = ClaimDetail.lines(id: "c1long", host: host, now: m.now).count
        let visible = DetailView.visibleRows(area: Layout(width: 80, height: 24)?.body)
        let last = max(0, count - visible)
        #expect(last > 0, "\(count) lines, \(visible) visible: nothing to scroll")
        // PgDn, End and j scroll and stop at the last line; none of them closes.
        _ = press([.pageDown], ctl, &m, 80, 24)
        #expect(m.overlay == .claimDetail(id: "c1long", scroll: min(visible, last)))
        _ = press([.pageDown, .end, .char("j"), .down], ctl, &m, 80, 24)
        #expect(m.overlay == .claimDetail(id: "c1long", scroll: last))
        #expect(Fixtures.render(m, 80, 24).text.contains(devices[29]))
        _ = press([.pageUp, .pageUp, .char("k"), .home], ctl, &m, 80, 24)
        #expect(m.overlay == .claimDetail(id: "c1long", scroll: 0))
        // A key with no record in the detail context does nothing.
        _ = press([.char("x")], ctl, &m, 80, 24)
        #expect(m.overlay == .claimDetail(id: "c1long", scroll: 0))
        _ = press([.backspace], ctl, &m, 80, 24)
        #expect(m.overlay == nil)
    }

    @Test func plusAndMinusReachBothEndsOfTheIntervalRangeTheCommandLineAccepts() {
        // `--interval` accepts 0.2 to 3600 seconds (README); the keys must
        // reach exactly those ends.
        #expect(PollInterval.isValid(0.2) && PollInterval.isValid(3600))
        #expect(!PollInterval.isValid(0.19) && !PollInterval.isValid(3600.5) && !PollInterval.isValid(.nan))
        let ctl = Fixtures.controller(Fixtures.service(Fixtures.smallHost()))
        var m = Fixtures.model(Fixtures.smallHost())
        _ = press(Array(repeating: .char("+"), count: 30), ctl, &m, 160, 50)
        #expect(m.interval == 0.2)
        #expect(m.flash?.text == "polling every 0.2s")
        _ = press(Array(repeating: .char("-"), count: 30), ctl, &m, 160, 50)
        #expect(m.interval == 3600)
        #expect(m.flash?.text == "polling every 3600s")
        #expect(Fixtures.render(m, 160, 50).line(0).contains("every 3600s"))
        // A value between stops moves to its neighbours, not two stops away.
        m.interval = 0.7
        _ = press([.char("+")], ctl, &m, 160, 50)
        #expect(m.interval == 0.5)
        m.interval = 0.7
        _ = press([.char("-")], ctl, &m, 160, 50)
        #expect(m.interval == 1)
    }

    @Test func everyOverlayKeyIsInTheKeyTableAndListedInHelp() throws {
        // Each overlay kind has records of its own, and help shows them.
        for context in KeyContext.allCases {
            #expect(KeyBinding.table.contains { $0.context == context }, "\(context) has no key records")
        }
        let view = HelpOverlay.View(readOnly: false, area: Layout(width: 160, height: 50)?.body)
        let ctl = Fixtures.controller(Fixtures.service(Fixtures.smallHost()))
        var m = Fixtures.model(Fixtures.smallHost())
        var seen = ""
        for s in 0...view.maxScroll {
            m.overlay = .help(scroll: s)
            seen += Fixtures.render(m, 160, 50).text + "\n"
        }
        for context in KeyContext.allCases { #expect(seen.contains(context.title), "help lacks \(context.title)") }
        #expect(seen.contains("erase; type a reason for the audit log"))
        _ = ctl
    }
}
