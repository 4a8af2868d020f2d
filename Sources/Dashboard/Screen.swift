/// The whole frame as a pure function of the model and the terminal size.
public enum Screen {
    public static func render(_ m: DashboardModel, width: Int, height: Int, glyphs g: Glyphs) -> Canvas {
        var c = draw(m, width: width, height: height, glyphs: g)
        if g.isASCII { c.foldToASCII() }
        return c
    }

    static func draw(_ m: DashboardModel, width: Int, height: Int, glyphs g: Glyphs) -> Canvas {
        var c = Canvas(width: width, height: height, ascii: g.isASCII)
        guard let layout = Layout(width: width, height: height) else {
            tooSmall(into: &c)
            return c
        }
        HeaderPane.draw(m, into: &c, rect: layout.header, glyphs: g)
        CellsPane.draw(m, into: &c, rect: layout.cells, glyphs: g)
        CPUMapPane.draw(m, into: &c, rect: layout.cpus, glyphs: g)
        PCIPane.draw(m, into: &c, rect: layout.pci, glyphs: g)
        drawClaimsOrHolders(m, into: &c, rect: layout.claims, glyphs: g)
        switch m.overlay {
        case .help(let scroll)?:
            HelpOverlay.draw(readOnly: m.readOnly, scroll: scroll, into: &c, area: layout.body, glyphs: g)
        case .claimForm(let f)?:
            ClaimFormView.draw(f, host: m.host, into: &c, area: layout.body, glyphs: g)
        case .confirmRelease(let d)?:
            ConfirmView.draw(d, into: &c, area: layout.body, glyphs: g)
        case .releaseStuck(let d)?:
            ConfirmView.draw(d, into: &c, area: layout.body, glyphs: g)
        case .device(let address, let scroll)?:
            DeviceDetail.draw(address: address, scroll: scroll, host: m.host, into: &c, area: layout.body, glyphs: g)
        case .claimDetail(let id, let scroll)?:
            ClaimDetail.draw(id: id, scroll: scroll, host: m.host, now: m.now, into: &c, area: layout.body, glyphs: g)
        case .holderDetail(let id, let scroll)?:
            HolderDetail.draw(id: id, scroll: scroll, host: m.host, into: &c, area: layout.body, glyphs: g)
        case .filter?, nil:
            break
        }
        StatusLine.draw(m, into: &c, rect: layout.status)
        FunctionBar.draw(m, into: &c, rect: layout.functionBar)
        return c
    }

    /// The next frame when only the clock moved: `c` (the last frame) with
    /// the header and the claims pane (whose ages tick) drawn again, in
    /// place. False, with `c` untouched, when a full render is needed (an
    /// overlay could cover the claims pane). `shownClock` is the clock `c`
    /// shows: a new one of the same width leaves the rest of the header as
    /// it is, so only the clock is drawn again.
    public static func tick(_ m: DashboardModel, into c: inout Canvas, shownClock: String? = nil, glyphs g: Glyphs) -> Bool {
        guard m.overlay == nil, let layout = Layout(width: c.width, height: c.height) else { return false }
        if let shown = shownClock, shown.count == m.clock.count {
            HeaderPane.drawClock(m, into: &c, rect: layout.header)
        } else {
            HeaderPane.draw(m, into: &c, rect: layout.header, glyphs: g)
        }
        drawClaimsOrHolders(m, into: &c, rect: layout.claims, glyphs: g)
        if g.isASCII { c.foldToASCII() }
        return true
    }

    /// The lower right pane shows the tab last focused: claims or holders.
    static func drawClaimsOrHolders(_ m: DashboardModel, into c: inout Canvas, rect: Rect, glyphs g: Glyphs) {
        if m.holdersShown {
            HoldersPane.draw(m, into: &c, rect: rect, glyphs: g)
        } else {
            ClaimsPane.draw(m, into: &c, rect: rect, glyphs: g)
        }
    }

    /// Below 80x24: the needed size, centred, and nothing else.
    public static func tooSmall(into c: inout Canvas) {
        let msg = "needs \(Layout.minWidth)x\(Layout.minHeight), have \(c.width)x\(c.height)"
        let shown = Canvas.fit(msg, c.width, ascii: c.ascii)
        c.text(max(0, (c.width - shown.count) / 2), c.height / 2, shown, Style(.warn, bold: true))
    }
}
