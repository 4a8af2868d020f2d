import Dashboard
import Testing
import TrackerCore

@Suite struct SafetyReviewTests {
    /// Every character on the canvas must be one the sanitizer would keep:
    /// no controls (ESC, C1 CSI) and no double-width characters.
    static func unsafeCells(_ c: Canvas) -> [String] {
        c.cells.map { String($0.char) }.filter { SafeText.forScreen($0) != $0 }
    }

    @Test func dialogTitleWithHostileClaimIDIsSanitized() {
        // Claim ids come from the ledger unvalidated; the detail dialog puts
        // the id in its box title.
        let id = "c1\u{1b}[2J漢"
        let claim = Fixtures.claim(id, consumer: "vm", cpus: [2], age: 30, state: .confirmed)
        var m = Fixtures.model(Fixtures.smallHost(), claims: [claim])
        m.overlay = .claimDetail(id: id, scroll: 0)
        let c = Fixtures.render(m, 100, 30)
        #expect(Self.unsafeCells(c) == [])
        // ESC dropped, the wide character shown as one "?".
        #expect(c.text.contains("Claim c1[2J?"))
    }

    @Test func pciNoMatchMessageSanitizesTheFilter() {
        // The operator's filter (any typed character, C1 controls and wide
        // CJK included) is echoed when no device matches.
        var m = Fixtures.model(Fixtures.smallHost())
        m.filter = "zz\u{9b}31m漢"
        var c = Canvas(width: 60, height: 8)
        PCIPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 60, height: 8), glyphs: .unicode)
        #expect(Self.unsafeCells(c) == [])
        #expect(c.text.contains("no device matches 'zz31m?'"))
    }

    @Test func confirmInDetailOfAVanishedClaimDoesNotConfirmAnotherOne() throws {
        // c1 (older, listed first by age) and c2, both unconfirmed.
        let c1 = Fixtures.claim("c1gone", consumer: "vm-a", cpus: [2], age: 60)
        let c2 = Fixtures.claim("c2stay", consumer: "vm-b", cpus: [4], age: 30)
        let service = Fixtures.service(Fixtures.smallHost(), claims: [c1, c2])
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        m.focus = .claims
        _ = ctl.handle(.enter, &m, width: 160, height: 50)
        #expect(m.overlay == .claimDetail(id: "c1gone", scroll: 0))
        // Another process releases c1 while its detail is open; the next
        // poll clamps the selection onto c2.
        try service.release("c1gone", reason: "elsewhere")
        ctl.poll(&m)
        // C in c1's detail must not confirm c2, and r must not offer to release it.
        _ = ctl.handle(.char("C"), &m, width: 160, height: 50)
        #expect(service.claims.first { $0.id == "c2stay" }?.state == .claimed)
        #expect(m.flash?.text.contains("c1gone") == true)
        m.overlay = .claimDetail(id: "c1gone", scroll: 0)
        _ = ctl.handle(.char("r"), &m, width: 160, height: 50)
        #expect(m.overlay == nil)
    }

    @Test func pciAddressFromASnapshotIsSanitized() {
        // A snapshot document's address is not checked against the sysfs
        // format; the PCI tree draws it.
        var host = Fixtures.smallHost()
        host.pciDevices = [PCIDevice(address: "0000:3b:00.0\u{1b}[5m漢", vendorID: "8086", productID: "1592", numaNode: 0)]
        let m = Fixtures.model(host)
        var c = Canvas(width: 90, height: 8)
        PCIPane.draw(m, into: &c, rect: Rect(x: 0, y: 0, width: 90, height: 8), glyphs: .unicode)
        #expect(Self.unsafeCells(c) == [])
        #expect(c.text.contains("0000:3b:00.0[5m? PCI"))
    }

    @Test func fillAndReadOffTheGridAreDroppedNotTrapped() {
        // Canvas promises that drawing outside the grid is dropped; a rect
        // below, right of, or above the grid used to build a backwards range.
        var c = Canvas(width: 10, height: 5)
        for r in [Rect(x: 0, y: 7, width: 3, height: 1), Rect(x: 12, y: 0, width: 2, height: 2),
                  Rect(x: -5, y: -5, width: 2, height: 2)] {
            c.fill(r, "#")
            #expect(c.text(in: r) == "")
        }
        #expect(!c.text.contains("#"))
    }

    @Test func paddingToANegativeWidthIsEmptyNotATrap() {
        // prefix(-3) traps; a pane narrower than its labels computes such widths.
        #expect(Fmt.left("abc", -3) == "")
        #expect(Fmt.left("abc", 0) == "")
        #expect(Fmt.left("abc", 2) == "ab")
        #expect(Fmt.left("ab", 4) == "ab  ")
    }
}
