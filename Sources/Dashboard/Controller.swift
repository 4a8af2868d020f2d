import Logging
import TrackerCore

/// Turns keys into model changes and ledger intents. Pure: it never calls
/// the claim service (a write can wait seconds for the ledger's lock), so
/// every key path is testable without a terminal and the app runs the
/// intents on its `LedgerWorker` (see Controller+Writes.swift).
public struct Controller {
    public var logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Applies a poll's result to the model; errors go to the header and the log.
    public func apply(poll result: Result<HostState, ClaimServiceError>, _ m: inout DashboardModel) {
        let before = m.host
        switch result {
        case .success(let host):
            m.host = host
            m.pollError = nil
        case .failure(let error):
            m.pollError = "\(error)"
            logger.warning("poll failed: \(error)")
        }
        // Row counts only change with the host state, and none with the
        // load, which differs at every poll: compared without it, an idle
        // poll's state (the last one reused, sharing its storage) is found
        // equal without walking every holder.
        var unloaded = m.host
        unloaded?.utilisation = before?.utilisation
        if unloaded != before { clampSelections(&m) }
        // Probe warnings (a garbled sysfs file, a missing pci.ids) go to the
        // log in full and to the status line once, never over the panes.
        let warnings = m.host?.snapshot.warnings ?? []
        if !warnings.isEmpty, warnings != before?.snapshot.warnings {
            for w in warnings { logger.warning("probe: \(w)") }
            let more = warnings.count > 1 ? " (+\(warnings.count - 1) more in the log)" : ""
            m.setFlash("probe warning: \(warnings[0])\(more)", .error, seconds: 10)
        }
        // A refused libvirt or kubelet file, or their state not readable as
        // this user, has no holder row to show on: said once, the same way.
        let notes = LiveFigures.ownerStateNotes(m.host)
        if !notes.isEmpty, notes != LiveFigures.ownerStateNotes(before) {
            for n in notes { logger.warning("owners: \(n)") }
            let more = notes.count > 1 ? " (+\(notes.count - 1) more in the log)" : ""
            m.setFlash("\(notes[0])\(more)", .error, seconds: 10)
        }
    }

    public func handle(_ key: Key, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        if key == .resize { return .none }
        if m.overlay != nil { return handleOverlay(key, &m, width: width, height: height) }
        guard let binding = KeyBinding.binding(for: key) else { return .none }
        if m.readOnly && binding.changesLedger {
            m.setFlash("read-only mode: \(binding.summary) is disabled", .error)
            return .none
        }
        return run(binding.command, &m, width: width, height: height)
    }

    func run(_ cmd: Command, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        switch cmd {
        case .quit: return .quit
        case .help: m.overlay = .help(scroll: 0)
        case .focusNext: m.focus = PaneID(rawValue: (m.focus.rawValue + 1) % PaneID.allCases.count) ?? .cells
        case .focusPrev: m.focus = PaneID(rawValue: (m.focus.rawValue + PaneID.allCases.count - 1) % PaneID.allCases.count) ?? .cells
        case .up: move(&m, -1, width: width, height: height, vertical: true)
        case .down: move(&m, 1, width: width, height: height, vertical: true)
        case .left:
            if m.focus == .pci { setExpanded(&m, false) } else { move(&m, -1, width: width, height: height, vertical: false) }
        case .right:
            if m.focus == .pci { setExpanded(&m, true) } else { move(&m, 1, width: width, height: height, vertical: false) }
        case .pageUp: move(&m, -pageSize(m, height), width: width, height: height, vertical: true, page: true)
        case .pageDown: move(&m, pageSize(m, height), width: width, height: height, vertical: true, page: true)
        case .home: setIndex(&m, 0)
        case .end: setIndex(&m, Int.max / 2)
        case .toggleExpand:
            // Toggles the PF's own state; a filter may list VFs under a PF
            // that is collapsed, so the row's glyph is not that state.
            if m.focus == .pci, let row = selectedPCIRow(m), case .pf = row.kind {
                setExpanded(&m, !m.isExpanded(row.device.address))
            }
        case .drillIn:
            switch m.focus {
            case .pci:
                if let row = selectedPCIRow(m) { m.overlay = .device(address: row.device.address, scroll: 0) }
            case .claims:
                if let c = selectedClaim(m) { m.overlay = .claimDetail(id: c.id, scroll: 0) }
            case .cpus:
                if let owner = selectedCPUOwner(m, width: width, height: height) {
                    m.overlay = .claimDetail(id: owner, scroll: 0)
                } else if let holder = selectedCPUHolder(m, width: width, height: height) {
                    m.overlay = .holderDetail(id: holder.id, scroll: 0)
                }
            case .holders:
                if let h = selectedHolder(m) { m.overlay = .holderDetail(id: h.id, scroll: 0) }
            case .cells:
                m.showDistances.toggle()
            }
        case .back:
            if !m.filter.isEmpty { m.filter = ""; m.setFlash("filter cleared", .info) }
            if m.stuckOnly { m.stuckOnly = false }
        case .filter: m.overlay = .filter(FilterPrompt(text: m.filter))
        case .sort:
            m.sort = m.sort.next
            m.setFlash("claims sorted by \(m.sort.rawValue)", .info)
        case .distances: m.showDistances.toggle()
        case .holders: m.focus = m.focus == .holders ? .claims : .holders
        case .showStuck:
            m.stuckOnly.toggle()
            m.focus = .claims
            m.claimIndex = 0
            let n = m.host?.stuck.count ?? 0
            m.setFlash(m.stuckOnly ? "showing \(n) stuck claim\(n == 1 ? "" : "s")" : "showing all claims", .info)
        case .pause:
            m.paused.toggle()
            m.setFlash(m.paused ? "polling paused (p resumes)" : "polling resumed", .info)
            return m.paused ? .none : .repoll
        case .faster, .slower:
            m.interval = PollInterval.step(from: m.interval, faster: cmd == .faster)
            m.setFlash("polling every \(Fmt.seconds(m.interval))s", .info)
        case .nextTheme: return .nextTheme
        case .claim:
            var form = ClaimForm(host: m.host?.effective)
            refreshPreview(&form)
            m.overlay = .claimForm(form)
        case .confirmClaim:
            guard let c = targetClaim(m, width: width, height: height) else { m.setFlash("select a claim first (Tab to Claims)", .error); break }
            return .write(.confirm(id: c.id, consumer: c.consumer.name))
        case .release:
            guard let c = targetClaim(m, width: width, height: height) else { m.setFlash("select a claim first (Tab to Claims)", .error); break }
            let cpus = ClaimsPane.pinned(c)
            var lines = ["Release claim \(c.id) held by \(c.consumer.name)?"]
            var what: [String] = []
            if !cpus.isEmpty { what.append("CPUs \(cpus.cpulist)") }
            if ClaimsPane.pages(c) != "-" { what.append("pages \(ClaimsPane.pages(c))") }
            if !c.decision.pciDevices.isEmpty { what.append("\(c.decision.pciDevices.count) device(s)") }
            lines.append((what.isEmpty ? "Its resources" : what.joined(separator: ", ")) + " return to the pool.")
            if let reasons = m.host?.stuck[c.id] { lines.append("Stuck: " + reasons.map(\.description).joined(separator: "; ")) }
            m.overlay = .confirmRelease(ConfirmDialog(title: "Release \(c.id)", lines: lines, actionLabel: "Release", claimID: c.id))
        case .releaseStuck:
            let ids = (m.host?.stuck.keys).map { Array($0).sorted() } ?? []
            guard !ids.isEmpty else { m.setFlash("no stuck claims", .info); break }
            m.overlay = .releaseStuck(TypeCountDialog(ids: ids))
        case .scrollUp, .scrollDown, .scrollPageUp, .scrollPageDown, .scrollTop, .scrollBottom, .close,
             .nextField, .previousField, .changeChoice, .switchButton, .accept, .cancel, .erase:
            // Overlay commands: no pane record carries them.
            break
        }
        clampSelections(&m)
        settleScrolls(&m, width: width, height: height)
        return .none
    }

    /// Keeps each pane's first visible row where it was unless the
    /// selection left the window (htop's scrolling), so moving up does not
    /// drag the view.
    public func settleScrolls(_ m: inout DashboardModel, width: Int, height: Int) {
        guard let layout = Layout(width: width, height: height), let host = m.host else { return }
        m.pciScroll = PaneFrame.scroll(selected: m.pciIndex, current: m.pciScroll, rows: layout.pci.inner.height,
                                       count: PCIRow.rows(m).count)
        let list = ClaimsPane.visible(m)
        var line = 0, selLine = 0
        for (i, c) in list.enumerated() {
            if i == m.claimIndex { selLine = line }
            line += 1 + host.findings(for: c.id).count
        }
        m.claimScroll = PaneFrame.scroll(selected: selLine, current: m.claimScroll, rows: layout.claims.inner.height - 1, count: line)
        m.holderScroll = PaneFrame.scroll(selected: m.holderIndex, current: m.holderScroll, rows: layout.claims.inner.height - 1,
                                          count: HoldersPane.visibleCount(m))
        let geo = CPUMapPane.geometry(host, inner: layout.cpus.inner)
        if geo.tiles.indices.contains(m.cpuIndex) {
            m.cpuScroll = PaneFrame.scroll(selected: geo.tiles[m.cpuIndex].row, current: m.cpuScroll,
                                           rows: geo.visibleRows, count: geo.totalRows)
        }
        var first = min(m.cellScroll, m.cellIndex)
        let cells = host.effective.cells
        while first < m.cellIndex,
              cells[first...m.cellIndex].reduce(0, { $0 + CellsPane.blockHeight($1, host: host, distances: m.showDistances) }) > layout.cells.inner.height {
            first += 1
        }
        m.cellScroll = first
    }

    func submit(_ f: ClaimForm, _ m: inout DashboardModel) -> Effect {
        guard case .success(let request) = f.request else {
            if case .failure(let e) = f.request { m.setFlash(e.message, .error) }
            return .none
        }
        guard let ttl = f.ttlSeconds else { m.setFlash("TTL must be a whole number of seconds", .error); return .none }
        let name = f.consumer.isEmpty ? "dashboard" : f.consumer
        // The form closes at once so the keys keep moving the panes while
        // the ledger is busy; a refusal brings it back (see finish).
        m.overlay = nil
        return .write(.claim(request, consumer: Consumer(name: name), ttl: ttl, form: f))
    }

    /// Drops a preview that no longer matches the form's request; the app
    /// asks its worker for the new one (`previewWanted`).
    func refreshPreview(_ f: inout ClaimForm, before: Result<Request, ClaimServiceError>? = nil) {
        if f.request != before { f.preview = nil }
    }

    // MARK: selection

    func pageSize(_ m: DashboardModel, _ height: Int) -> Int { max(1, height / 3) }

    func selectedPCIRow(_ m: DashboardModel) -> PCIRow? {
        let rows = PCIRow.rows(m)
        return rows.indices.contains(m.pciIndex) ? rows[m.pciIndex] : nil
    }

    func selectedClaim(_ m: DashboardModel) -> Claim? {
        let list = ClaimsPane.visible(m)
        return list.indices.contains(m.claimIndex) ? list[m.claimIndex] : nil
    }

    func cpuTiles(_ m: DashboardModel, width: Int, height: Int) -> [CPUTile] {
        guard let host = m.host, let layout = Layout(width: width, height: height) else { return [] }
        return CPUMapPane.geometry(host, inner: layout.cpus.inner).tiles
    }

    func selectedHolder(_ m: DashboardModel) -> Holder? {
        let list = HoldersPane.visible(m)
        return list.indices.contains(m.holderIndex) ? list[m.holderIndex] : nil
    }

    /// The holder (not a claim) the kernel shows pinned to the selected CPU.
    func selectedCPUHolder(_ m: DashboardModel, width: Int, height: Int) -> Holder? {
        let tiles = cpuTiles(m, width: width, height: height)
        guard tiles.indices.contains(m.cpuIndex) else { return nil }
        return m.host?.cpuHolders[tiles[m.cpuIndex].cpu]
    }

    func selectedCPUOwner(_ m: DashboardModel, width: Int, height: Int) -> String? {
        let tiles = cpuTiles(m, width: width, height: height)
        guard tiles.indices.contains(m.cpuIndex) else { return nil }
        return m.host?.cpuOwners[tiles[m.cpuIndex].cpu]
    }

    /// The claim an action applies to: the selected claim, or the owner of
    /// the selected CPU / device when that pane has the focus.
    func targetClaim(_ m: DashboardModel, width: Int, height: Int) -> Claim? {
        switch m.focus {
        case .claims: return selectedClaim(m)
        case .holders:
            // A claim's own holder row acts on the claim.
            return selectedHolder(m).flatMap { h in h.kind == .restrack ? m.host?.claims.first { $0.id == h.id } : nil }
        case .cpus:
            return selectedCPUOwner(m, width: width, height: height).flatMap { id in m.host?.claims.first { $0.id == id } }
        case .pci:
            return selectedPCIRow(m).flatMap { m.host?.pciOwners[$0.device.address] }.flatMap { id in m.host?.claims.first { $0.id == id } }
        case .cells: return nil
        }
    }

    func setExpanded(_ m: inout DashboardModel, _ expand: Bool) {
        guard let row = selectedPCIRow(m) else { return }
        var pf = row.device.address
        if case .vf = row.kind, let p = row.device.parentAddr { pf = p }
        guard m.isExpanded(pf) != expand else { return }
        if m.toggledPFs.contains(pf) { m.toggledPFs.remove(pf) } else { m.toggledPFs.insert(pf) }
        if let i = PCIRow.rows(m).firstIndex(where: { $0.device.address == pf }) { m.pciIndex = i }
    }

    func move(_ m: inout DashboardModel, _ d: Int, width: Int, height: Int, vertical: Bool, page: Bool = false) {
        switch m.focus {
        case .cells: m.cellIndex += d.signum() * (page ? 2 : 1)
        case .pci: m.pciIndex += d
        case .claims: m.claimIndex += d
        case .holders: m.holderIndex += d
        case .cpus:
            let tiles = cpuTiles(m, width: width, height: height)
            guard !tiles.isEmpty else { return }
            let i = min(max(0, m.cpuIndex), tiles.count - 1)
            if !vertical { m.cpuIndex = i + d; break }
            // Same column on the next/previous row that has tiles, or the
            // nearest column there. Rows are counted over tile rows only: the
            // blank row between cells is not a place the selection can stop.
            let cur = tiles[i]
            let rows = Array(Set(tiles.map(\.row))).sorted()
            guard let here = rows.firstIndex(of: cur.row) else { return }
            let target = rows[max(0, min(rows.count - 1, here + (page ? d : d.signum())))]
            let candidates = tiles.enumerated().filter { $0.element.row == target }
            if let best = candidates.min(by: { abs($0.element.col - cur.col) < abs($1.element.col - cur.col) }) {
                m.cpuIndex = best.offset
            }
        }
    }

    func setIndex(_ m: inout DashboardModel, _ i: Int) {
        switch m.focus {
        case .cells: m.cellIndex = i
        case .cpus: m.cpuIndex = i
        case .pci: m.pciIndex = i
        case .claims: m.claimIndex = i
        case .holders: m.holderIndex = i
        }
    }

    func clampSelections(_ m: inout DashboardModel) {
        func clamp(_ v: Int, _ n: Int) -> Int { max(0, min(v, n - 1)) }
        let cells = m.host?.effective.cells.count ?? 0
        let cpus = m.host?.effective.cells.reduce(0) { $0 + CPUTileLayout.cores(of: $1).reduce(0) { $0 + $1.count } } ?? 0
        m.cellIndex = clamp(m.cellIndex, cells)
        m.cpuIndex = clamp(m.cpuIndex, cpus)
        m.pciIndex = clamp(m.pciIndex, PCIRow.rows(m).count)
        m.claimIndex = clamp(m.claimIndex, ClaimsPane.visible(m).count)
        m.holderIndex = clamp(m.holderIndex, HoldersPane.visibleCount(m))
    }
}
