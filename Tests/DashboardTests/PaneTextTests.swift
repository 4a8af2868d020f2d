import Dashboard
import Testing
import TrackerCore

@Suite struct PaneTextTests {
    @Test func stuckClaimShowsStuckAndItsReason() throws {
        // Created 700 s ago, TTL 600 s, never confirmed: stuck for that reason.
        let stuck = Fixtures.claim("c1stuk", consumer: "vm-lost", cpus: [2, 3], age: 700)
        let fine = Fixtures.claim("c2okay", consumer: "vm-fine", cpus: [4], age: 30, state: .confirmed)
        var m = Fixtures.model(Fixtures.smallHost(), claims: [stuck, fine])
        m.focus = .claims
        var c = Canvas(width: 100, height: 10)
        ClaimsPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 100, height: 10), glyphs: .unicode)
        let lines = c.text.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("2 live · 1 stuck"))
        let stuckRow = lines.firstIndex { $0.contains("c1stuk") }
        let fineRow = lines.firstIndex { $0.contains("c2okay") }
        #expect(stuckRow != nil && fineRow != nil)
        let s = try #require(stuckRow)
        let f = try #require(fineRow)
        #expect(lines[s].contains("vm-lost") && lines[s].contains("STUCK") && lines[s].contains("2-3"))
        #expect(lines[s + 1].contains("↳ unconfirmed for 700s, past its TTL of 600s"))
        #expect(lines[f].contains("confirmed") && !lines[f].contains("STUCK"))
    }

    @Test func ownerNotVisibleIsShownButNotStuck() {
        var hidden = Fixtures.claim("c3hide", consumer: "vm-other-user", cpus: [2], age: 30, state: .confirmed)
        hidden.consumer.pid = 4242
        hidden.consumer.pidStartTime = 7
        var m = Fixtures.model(Fixtures.smallHost(), claims: [hidden])
        m.host = Tracker.state(snapshot: Fixtures.smallHost(), claims: [hidden], now: Fixtures.now,
                               processStartTime: { _ in .unknown(why: "/proc/4242/stat: Permission denied") })
        var c = Canvas(width: 100, height: 10)
        ClaimsPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 100, height: 10), glyphs: .unicode)
        let lines = c.text.split(separator: "\n").map(String.init)
        #expect(!lines[0].contains("stuck"))
        guard let row = lines.firstIndex(where: { $0.contains("c3hide") }) else {
            Issue.record("claim row missing")
            return
        }
        #expect(!lines[row].contains("STUCK"))
        #expect(lines[row + 1].contains("↳ owner pid 4242 not visible to this user"))
    }

    @Test func vfIsUnavailableWhenItsPFIsClaimed() {
        // Confirmed (allocated) PF: Nova makes its VFs unavailable.
        let pfClaim = Fixtures.claim("cpf001", consumer: "dpdk-pf", devices: ["0000:3b:00.0"], age: 5, state: .confirmed)
        var m = Fixtures.model(Fixtures.smallHost(), claims: [pfClaim])
        m.focus = .pci
        var c = Canvas(width: 90, height: 8)
        PCIPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 90, height: 8), glyphs: .unicode)
        let lines = c.text.split(separator: "\n").map(String.init)
        let pf = lines.first { $0.contains("0000:3b:00.0") } ?? ""
        #expect(pf.contains("allocated") && pf.contains("cpf001 dpdk-pf") && pf.contains("VFs 0/2"))
        for vf in ["0000:3b:01.0", "0000:3b:01.1"] {
            let row = lines.first { $0.contains(vf) } ?? ""
            #expect(row.contains("unavailable"), "\(vf): \(row)")
            #expect(row.contains("PF held by cpf001"), "\(vf): \(row)")
        }
    }

    @Test func pageSizeBarsAreSeparateFromMemory() {
        // 256 of 1024 2M pages used: a quarter of the bar; 1G untouched;
        // no claims, so the memory bar is empty even though pages are used.
        let m = Fixtures.model(Fixtures.smallHost(pagesUsed2M: 256))
        var c = Canvas(width: 60, height: 9)
        CellsPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 60, height: 9), glyphs: .unicode)
        let lines = c.text.split(separator: "\n").map(String.init)
        let two = lines.first { $0.contains("2M pages") } ?? ""
        let one = lines.first { $0.contains("1G pages") } ?? ""
        let mem = lines.first { $0.contains("memory") } ?? ""
        #expect(two.hasSuffix("256/1024 │") || two.contains("256/1024"))
        #expect(one.contains("0/4"))
        // Bar width: inner 58 − label 9 − suffix 10 − 3 = 36 cells; 256/1024 → 9 used.
        #expect(two.filter { $0 == "█" }.count == 9)
        #expect(two.filter { $0 == "░" }.count == 27)
        #expect(one.filter { $0 == "█" }.count == 0)
        #expect(mem.filter { $0 == "█" }.count == 0)
        #expect(mem.contains("0M/16.0G"))
    }

    @Test func layoutAt80x24() {
        let c = Fixtures.render(Fixtures.model(Fixtures.smallHost()), 80, 24)
        let lines = (0..<24).map { c.line($0) }
        #expect(lines[0].hasPrefix(" restrack  test-host  1 socket · 1 cell · 8 CPUs"))
        #expect(lines[0].hasSuffix("12:00:00"))
        #expect(lines[1].contains("pinned 0/6 dedicated"))
        // Panes: cells | CPU map on top (rows 2–12), PCI | claims below.
        #expect(lines[2].hasPrefix("┌┤ NUMA cells ├"))
        #expect(lines[2].contains("┌┤ CPU map ├"))
        #expect(lines[13].hasPrefix("┌┤ PCI / SR-IOV"))
        #expect(lines[13].contains("┌┤ Claims"))
        #expect(lines[21].hasPrefix("└") && lines[21].hasSuffix("┘"))
        #expect(lines[23].hasPrefix("F1Help F2Claim"))
        #expect(lines[23].hasSuffix("F10Quit"))
        #expect(lines.allSatisfy { $0.count <= 80 })
        // CPU map: CPUs 0,1 shared, 2-7 free dedicated, siblings side by side.
        #expect(lines[3].contains("│c0 ·· □□ □□ □□"))
    }

    @Test func tooSmallShowsOnlyTheNeededSize() {
        let c = Fixtures.render(Fixtures.model(Fixtures.smallHost()), 79, 24)
        let msg = "needs 80x24, have 79x24"
        #expect(c.line(12) == String(repeating: " ", count: (79 - msg.count) / 2) + msg)
        for y in 0..<24 where y != 12 { #expect(c.line(y).isEmpty) }
        let tiny = Fixtures.render(Fixtures.model(Fixtures.smallHost()), 60, 20)
        #expect(tiny.text.contains("needs 80x24, have 60x20"))
    }

    @Test func hostStringsLoseEscapeSequences() {
        var host = Fixtures.smallHost()
        host.hostname = "evil\u{1b}]0;pwned\u{07}host"
        host.pciDevices[0].deviceName = "NIC\u{1b}[31mred\u{9b}2J"
        let c = Fixtures.render(Fixtures.model(host), 160, 50)
        let all = c.cells.map(\.char)
        #expect(!all.contains("\u{1b}") && !all.contains("\u{07}") && !all.contains("\u{9b}"))
        #expect(c.line(0).contains("evil]0;pwnedhost"))
        #expect(c.text.contains("NIC[31mred2J"))
    }

    @Test func consumerNamesLoseBidiAndZeroWidthCharacters() {
        // Displayed raw, RLO makes "vm-\u{202E}nimda" read as "vm-admin".
        let c1 = Fixtures.claim("c1bidi", consumer: "vm-\u{202E}nimda\u{2066}\u{200B}\u{FEFF}", cpus: [2], age: 5,
                                state: .confirmed)
        var m = Fixtures.model(Fixtures.smallHost(), claims: [c1])
        m.focus = .claims
        var c = Canvas(width: 100, height: 10)
        ClaimsPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 100, height: 10), glyphs: .unicode)
        let scalars = c.cells.flatMap { Array($0.char.unicodeScalars) }
        #expect(!scalars.contains { $0.properties.generalCategory == .format })
        #expect(c.text.contains("vm-nimda"))
    }

    @Test func allOf512CPUsAreTilesAt160x50() throws {
        let host = try Fixtures.example("four-socket-512")
        var m = Fixtures.model(host)
        m.focus = .cpus
        let c = Fixtures.render(m, 160, 50)
        let layout = try #require(Layout(width: 160, height: 50))
        let map = layout.cpus.inner
        let g = Glyphs.unicode
        let tileChars: Set<Character> = [g.tilePinned, g.tileFreeDedicated, g.tileShared, g.tileReserved, g.tileIsolated, g.tileOffline]
        var tiles = 0
        for y in map.y..<(map.maxY - 2) {
            for x in (map.x + CPUTileLayout.labelWidth)..<map.maxX where tileChars.contains(c[x, y].char) { tiles += 1 }
        }
        #expect(tiles == 512)
        // Every cell's label is on screen, so nothing scrolled away.
        for cell in 0..<8 { #expect(c.text(in: map).contains("c\(cell) ")) }
    }

    @Test func asciiModeDrawsOnlyASCII() {
        var host = Fixtures.smallHost()
        host.pciDevices[0].deviceName = "Réseau × 4"
        let stuck = Fixtures.claim("c1stuk", consumer: "vm·1", cpus: [2, 3], age: 700)
        var m = Fixtures.model(host, claims: [stuck])
        m.focus = .claims
        let c = Fixtures.render(m, 120, 40, glyphs: .ascii)
        #expect(c.cells.allSatisfy { $0.char.isASCII })
        #expect(c.line(2).hasPrefix("++ NUMA cells +"))
        #expect(c.text.contains("STUCK"))
        #expect(c.text.contains("-> unconfirmed for 700s"))
        // Separators in pane text become ASCII stand-ins, not '?'.
        #expect(c.line(0).contains("1 socket . 1 cell . 8 CPUs"))
        #expect(c.text.contains("CPU 0 . cell 0 . core 0,1 . shared"))
    }
}
