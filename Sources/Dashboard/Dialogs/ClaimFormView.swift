import TrackerCore

/// Draws the claim form and its live fit preview.
public enum ClaimFormView {
    public static func draw(_ f: ClaimForm, host: HostState?, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let inner = DialogFrame.open(into: &c, over: area, width: 72, height: 22, title: "New claim", glyphs: g)
        var y = inner.y
        for (field, value) in f.rows {
            let focused = f.field == field
            c.text(inner.x, y, Fmt.left(field.label, 14), Style(focused ? .title : .label, bold: focused))
            let shown = f.isChoice(field) ? "\(g.isASCII ? "<" : "‹") \(value) \(g.isASCII ? ">" : "›")" : value + (focused ? "_" : "")
            c.hostText(inner.x + 15, y, shown, focused ? Style(.selected, bold: true) : Style(.value), maxWidth: inner.width - 16)
            y += 1
        }
        y += 1
        c.text(inner.x, y, "fit preview", Style(.label, bold: true))
        y += 1
        var lines: [(String, Style)]
        switch f.request {
        case .failure(let e): lines = [("\(g.bad) \(e.message)", Style(.danger, bold: true))]
        case .success:
            lines = previewLines(f.preview, host: host, glyphs: g)
        }
        if let hint = f.noDedicatedHint { lines.insert((hint, Style(.warn)), at: 0) }
        // Reasons are sentences; wrap them rather than cut the useful end off.
        let wrapped = lines.flatMap { line in Fmt.wrap(SafeText.forScreen(line.0, ascii: c.ascii), inner.width).map { ($0, line.1) } }
        for (text, style) in wrapped.prefix(max(0, inner.maxY - y - 2)) {
            c.hostText(inner.x, y, text, style, maxWidth: inner.width)
            y += 1
        }
        let by = inner.maxY - 1
        let fits = f.preview?.fits == true
        var x = DialogFrame.button(into: &c, x: inner.x, y: by, fits ? "Claim" : "Claim (does not fit)", focused: f.field == .claimButton)
        x = DialogFrame.button(into: &c, x: x + 2, y: by, "Cancel", focused: f.field == .cancelButton)
        c.text(x + 2, by, "↑↓ field  ←→ choice  Esc", Style(.dim), maxWidth: inner.maxX - x - 2)
    }

    /// Where it lands, or why it cannot: one line per guest cell.
    public static func previewLines(_ d: Decision?, host: HostState?, glyphs g: Glyphs) -> [(String, Style)] {
        guard let d else { return [("…", Style(.dim))] }
        guard d.fits else { return [("\(g.bad) does not fit: \(d.reason ?? "no reason given")", Style(.danger, bold: true))] }
        var out: [(String, Style)] = []
        if d.cells.isEmpty { out.append(("\(g.ok) fits, floating over the host's shared CPUs", Style(.ok, bold: true))) }
        for cell in d.cells {
            var s = "\(g.ok) cell \(cell.hostCell): "
            let pins = CPUSet(cell.pinning.values)
            s += pins.isEmpty ? "\(cell.vcpus.count) shared vCPUs" : "pins CPUs \(pins.cpulist)"
            if pins.count > 0 && cell.sharedVCPUCount > 0 { s += " + \(cell.sharedVCPUCount) shared" }
            s += " · \(Fmt.mib(cell.memoryMB))"
            if let p = cell.pagesizeKB { s += " in \(PageSizeText.short(kb: p)) pages" }
            out.append((s, Style(.ok, bold: true)))
        }
        if !d.emulatorCPUs.isEmpty { out.append(("  emulator threads on CPU \(CPUSet(d.emulatorCPUs).cpulist)", Style(.value))) }
        if !d.pciDevices.isEmpty {
            out.append(("  devices \(d.pciDevices.joined(separator: " "))", Style(.value)))
        }
        return out
    }
}
