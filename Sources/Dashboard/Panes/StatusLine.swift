import TrackerCore

/// The flash message (or a hint) on the left; filter and sort on the right.
public enum StatusLine {
    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect) {
        c.fill(r, " ", Style(.statusBar))
        var right = ""
        if let busy = m.busy { right += SafeText.forScreen(busy, ascii: c.ascii) + "  " }
        if !m.filter.isEmpty { right += "filter: \(SafeText.forScreen(m.filter, ascii: c.ascii))  " }
        if case .filter(let p) = m.overlay {
            c.text(r.x + 1, r.y, "/", Style(.key, bold: true))
            c.hostText(r.x + 3, r.y, p.text, Style(.statusBar, bold: true), maxWidth: r.width - 20)
            c.put(r.x + 3 + min(p.text.count, r.width - 20), r.y, "_", Style(.statusBar, bold: true))
            c.text(r.maxX - 30, r.y, "Enter apply · Esc clear", Style(.statusBar))
            return
        }
        if let f = m.flash, f.expires > m.now {
            let role: Role = f.kind == .error ? .danger : (f.kind == .ok ? .ok : .statusBar)
            let maxW = r.width - right.count - 3
            c.hostText(r.x + 1, r.y, f.text, Style(role, bold: f.kind != .info), maxWidth: maxW)
        } else {
            let hint = m.readOnly ? "read-only: claims can be viewed, not changed · ? for keys"
                                  : "Tab: next pane · Enter: details · c: claim · H: holders · ?: all keys"
            c.text(r.x + 1, r.y, hint, Style(.statusBar), maxWidth: r.width - right.count - 3)
        }
        if !right.isEmpty { c.text(r.maxX - right.count, r.y, right, Style(.statusBar, bold: true)) }
    }
}
