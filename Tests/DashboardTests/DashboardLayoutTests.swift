import Dashboard
import Testing
import TrackerCore

/// Issue 9, layout: each test fails with the drawing the issue reports.
@Suite struct DashboardLayoutTests {
    @Test func numaPaneSaysCellsAreHiddenBelowOnTheFourSocketHost() throws {
        // Eight cells of 6 lines each (4 + two page sizes) in a 24-line pane:
        // cells 5-8 are below the edge.
        let host = try Fixtures.example("four-socket-512")
        let m = Fixtures.model(host)
        let c = Fixtures.render(m, 160, 50)
        let r = try #require(Layout(width: 160, height: 50)).cells
        #expect(!c.text(in: r.inner).contains("cell 4 "))
        let bottom = c.line(r.maxY - 1)
        #expect(bottom.contains("cell 1/8 ↓"), "bottom border: \(bottom)")
        #expect(c[r.maxX - 1, r.maxY - 1].char == "┘")
        // With the last cell selected the first ones are hidden above.
        var last = m
        last.focus = .cells
        last.cellIndex = 7
        let end = Fixtures.render(last, 160, 50).line(r.maxY - 1)
        #expect(end.contains("cell 8/8 ↑ "), "\(end)")
    }

    @Test func headerAt80x24KeepsTheClaimsAndStuckCounts() throws {
        let stuck = Fixtures.claim("c1stuk", consumer: "vm", cpus: [2], age: 900)
        let small = Fixtures.render(Fixtures.model(Fixtures.smallHost(), claims: [stuck]), 80, 24)
        #expect(small.line(1).contains("claims 1"))
        #expect(small.line(1).contains("1 STUCK"), "\(small.line(1))")
        // The big host has more to say (hugepages, 2048 VFs); the counts stay.
        let big = try Fixtures.example("four-socket-512")
        var claim = Fixtures.claim("c2stuk", consumer: "vm", age: 900)
        claim.usage = Tracker.usage(of: claim.decision, for: claim.request, on: big)
        let wide = Fixtures.render(Fixtures.model(big, claims: [claim]), 80, 24)
        #expect(wide.line(1).contains("claims 1") && wide.line(1).contains("1 STUCK"), "\(wide.line(1))")
        #expect(wide.line(0).contains("compute-xl-512"))
        #expect(wide.line(1).count <= 80)
    }

    /// The box the help overlay draws at this size.
    func helpBox(_ w: Int, _ h: Int) throws -> Rect {
        let body = try #require(Layout(width: w, height: h)).body
        let v = HelpOverlay.View(readOnly: false, area: body)
        return body.centred(width: v.width, height: v.height)
    }

    @Test(arguments: [(80, 24), (160, 50), (120, 30)])
    func helpLinesStayInsideTheBorderAndBreakBetweenWords(_ size: (Int, Int)) throws {
        let (w, h) = size
        let box = try helpBox(w, h)
        let view = HelpOverlay.View(readOnly: true, area: Layout(width: w, height: h)?.body)
        var m = Fixtures.model(Fixtures.smallHost())
        m.readOnly = true
        var tokens = Set<String>()
        for s in 0...view.maxScroll {
            m.overlay = .help(scroll: s)
            let c = Fixtures.render(m, w, h)
            for y in (box.y + 1)..<(box.maxY - 1) {
                #expect(c[box.x, y].char == "│" && c[box.maxX - 1, y].char == "│", "row \(y) at scroll \(s): \(c.line(y))")
                let inside = c.text(in: Rect(x: box.x + 1, y: y, width: box.width - 2, height: 1))
                tokens.formUnion(inside.split(separator: " ").map(String.init))
            }
            #expect(!c.text(in: box).contains("…"))
        }
        // Every word of every description shows whole somewhere in the list.
        for b in KeyBinding.table {
            let summary = b.summary + (b.changesLedger ? " (disabled)" : "")
            for word in summary.split(separator: " ") {
                #expect(tokens.contains(String(word)), "\(w)x\(h): '\(word)' of '\(summary)' is cut")
            }
        }
    }

    @Test func cpuMapCounterLeavesThePaneCornerAlone() throws {
        // At 80x40 the four-socket map needs 24 tile rows and has 16: the
        // counter reads "1-16/24", nine columns with its spaces.
        let host = try Fixtures.example("four-socket-512")
        var m = Fixtures.model(host)
        m.focus = .cpus
        let c = Fixtures.render(m, 80, 40)
        let r = try #require(Layout(width: 80, height: 40)).cpus
        let top = c.line(r.y)
        #expect(top.contains(" 1-16/24 "), "\(top)")
        #expect(c[r.maxX - 1, r.y].char == "┐")
        #expect(c[r.maxX - 2, r.y].char == "─")
    }

    @Test func pciCounterLeavesThePaneCornerAlone() throws {
        // All 16 PFs unfolded: 16 + 2048 VFs + 8 GPUs = 2072 rows; row 1001
        // gives the longest counter, " 1001/2072 ".
        let host = try Fixtures.example("four-socket-512")
        var m = Fixtures.model(host)
        m.toggledPFs = Set(host.pciDevices.filter { $0.devType == .pf }.map(\.address))
        m.focus = .pci
        m.pciIndex = 1000
        let c = Fixtures.render(m, 160, 50)
        let r = try #require(Layout(width: 160, height: 50)).pci
        let bottom = c.line(r.maxY - 1)
        #expect(bottom.contains(" 1001/2072 "), "\(bottom)")
        #expect(c[r.maxX - 1, r.maxY - 1].char == "┘")
        #expect(c[r.maxX - 2, r.maxY - 1].char == "─")
    }

    @Test func cpuListsAreCutBetweenRangesWithACount() throws {
        let set = try CPUSet(cpulist: "0-31,64-95,256-287")
        #expect(CPUListText.fit(set, width: 18) == "0-31,64-95,256-287")
        #expect(CPUListText.fit(set, width: 19) == "0-31,64-95,256-287")
        #expect(CPUListText.fit(set, width: 17) == "0-31 +64 more")
        #expect(CPUListText.fit(set, width: 12) == "96 CPUs")
        #expect(CPUListText.fit(try CPUSet(cpulist: "0,2,4,6,8,10"), width: 11) == "0,2 +4 more")
        #expect(CPUListText.phrase(set, width: 22) == "CPUs 0-31 +64 more")
        // In the NUMA pane at 80x24 the cell line used to end "CPUs 0-3…":
        // the socket (also in the pane's own row) gives way to the list.
        let m = Fixtures.model(try Fixtures.example("four-socket-512"))
        let c = Fixtures.render(m, 80, 24)
        let cells = try #require(Layout(width: 80, height: 24)).cells.inner
        let first = c.text(in: cells).split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains("cell 0 · CPUs 0-31,256-287"), "\(first)")
        #expect(!first.contains("…"))
        // A narrower block cuts between ranges.
        var narrow = Canvas(width: 34, height: 8)
        CellsPane.draw(m, into: &narrow, rect: Rect(x: 0, y: 0, width: 34, height: 8), glyphs: .unicode)
        #expect(narrow.line(1).contains("cell 0 · 64 CPUs") || narrow.line(1).contains("+32 more"), "\(narrow.line(1))")
        #expect(!narrow.line(1).contains("…"))
    }

    @Test func claimsPaneCutsALongCPUListBetweenRanges() throws {
        // Seven single CPUs: "0,2,4,6,8,10,12" is 15 columns, the CPUS
        // column 11; the cut keeps "0,2" and counts the other five.
        let big = try Fixtures.example("four-socket-512")
        var claim = Fixtures.claim("c1many", consumer: "vm", cpus: [0, 2, 4, 6, 8, 10, 12], age: 30, state: .confirmed)
        claim.usage = Tracker.usage(of: claim.decision, for: claim.request, on: big)
        var m = Fixtures.model(big, claims: [claim])
        m.focus = .claims
        var c = Canvas(width: 100, height: 6)
        ClaimsPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 100, height: 6), glyphs: .unicode)
        let row = c.text.split(separator: "\n").map(String.init).first { $0.contains("c1many") } ?? ""
        #expect(row.contains("0,2 +5 more"), "\(row)")
        #expect(!row.contains("…"))
    }

    @Test func aFilteredCollapsedPFListingItsVFsIsDrawnOpen() throws {
        // 2048 VFs: PFs start collapsed. The filter matches one VF of the
        // first PF, which is then listed under it.
        let host = try Fixtures.example("four-socket-512")
        var m = Fixtures.model(host)
        #expect(m.collapseByDefault)
        m.filter = "0000:17:01.1"
        let c = Fixtures.render(m, 160, 50)
        let inner = try #require(Layout(width: 160, height: 50)).pci.inner
        let lines = c.text(in: inner).split(separator: "\n").map(String.init)
        #expect(lines.count >= 2)
        #expect(lines[0].hasPrefix("▾ 0000:17:00.0"), "\(lines[0])")
        #expect(lines[1].hasPrefix(" └ 0000:17:01.1"), "\(lines[1])")
        // Without a filter the same PF is collapsed and drawn so.
        m.filter = ""
        let plain = Fixtures.render(m, 160, 50).text(in: inner)
        #expect(plain.hasPrefix("▸ 0000:17:00.0"))
    }
}
