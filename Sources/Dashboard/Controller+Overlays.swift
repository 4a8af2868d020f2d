import TrackerCore

/// Keys while an overlay is open: one step per overlay kind, each reading
/// its keys from that overlay's records in `KeyBinding.table`.
extension Controller {
    func handleOverlay(_ key: Key, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        guard let overlay = m.overlay else { return .none }
        switch overlay {
        case .help(let scroll):
            return handleHelp(key, scroll: scroll, &m, width: width, height: height)
        case .device(let address, let scroll):
            return handleDeviceDetail(key, address: address, scroll: scroll, &m, width: width, height: height)
        case .claimDetail(let id, let scroll):
            return handleClaimDetail(key, id: id, scroll: scroll, &m, width: width, height: height)
        case .holderDetail(let id, let scroll):
            return handleHolderDetail(key, id: id, scroll: scroll, &m, width: width, height: height)
        case .filter(let prompt):
            return handleFilter(key, prompt, &m)
        case .confirmRelease(let dialog):
            return handleConfirmRelease(key, dialog, &m)
        case .releaseStuck(let dialog):
            return handleReleaseStuck(key, dialog, &m)
        case .claimForm(let form):
            return handleClaimForm(key, form, &m)
        }
    }

    /// The new first line for a scroll command, kept within 0...maxScroll;
    /// nil when `command` does not scroll.
    func scrolled(_ command: Command?, from scroll: Int, maxScroll: Int, page: Int) -> Int? {
        let target: Int
        switch command {
        case .scrollUp?: target = scroll - 1
        case .scrollDown?: target = scroll + 1
        case .scrollPageUp?: target = scroll - max(1, page)
        case .scrollPageDown?: target = scroll + max(1, page)
        case .scrollTop?: target = 0
        case .scrollBottom?: target = maxScroll
        default: return nil
        }
        return max(0, min(target, maxScroll))
    }

    func handleHelp(_ key: Key, scroll: Int, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        let command = KeyBinding.command(for: key, in: .help)
        let view = HelpOverlay.View(readOnly: m.readOnly, area: Layout(width: width, height: height)?.body)
        if let s = scrolled(command, from: scroll, maxScroll: view.maxScroll, page: view.visibleRows) {
            m.overlay = .help(scroll: s)
            return .none
        }
        m.overlay = nil
        return command == .quit ? .quit : .none
    }

    func handleDeviceDetail(_ key: Key, address: String, scroll: Int, _ m: inout DashboardModel,
                            width: Int, height: Int) -> Effect {
        let command = KeyBinding.command(for: key, in: .detail)
        let area = Layout(width: width, height: height)?.body
        let count = m.host.map { DeviceDetail.lines(address: address, host: $0, glyphs: .unicode).count } ?? 0
        let visible = DetailView.visibleRows(area: area)
        if let s = scrolled(command, from: scroll, maxScroll: max(0, count - visible), page: visible) {
            m.overlay = .device(address: address, scroll: s)
        } else if command == .close {
            m.overlay = nil
        }
        return .none
    }

    func handleClaimDetail(_ key: Key, id: String, scroll: Int, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        let command = KeyBinding.command(for: key, in: .detail)
        let area = Layout(width: width, height: height)?.body
        let count = m.host.map { ClaimDetail.lines(id: id, host: $0, now: m.now).count } ?? 0
        let visible = DetailView.visibleRows(area: area)
        if let s = scrolled(command, from: scroll, maxScroll: max(0, count - visible), page: visible) {
            m.overlay = .claimDetail(id: id, scroll: s)
            return .none
        }
        switch command {
        case .confirmClaim?, .release?:
            m.overlay = nil
            // Act on this claim or on none: falling through to the
            // selection would confirm or release a different claim when
            // this one was released meanwhile or is hidden by the filter.
            guard let i = ClaimsPane.visible(m).firstIndex(where: { $0.id == id }) else {
                m.setFlash("claim \(id) is not in the claims list (no longer live, or hidden by the filter)", .error)
                return .none
            }
            m.claimIndex = i
            m.focus = .claims
            return handle(key, &m, width: width, height: height)
        case .close?:
            m.overlay = nil
        default:
            break
        }
        return .none
    }

    /// Scrolls and closes; C and r do nothing here (a claim's own detail,
    /// not its holder row, is where it is confirmed or released).
    func handleHolderDetail(_ key: Key, id: String, scroll: Int, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        let command = KeyBinding.command(for: key, in: .detail)
        let area = Layout(width: width, height: height)?.body
        let count = m.host.map { HolderDetail.rows(id: id, host: $0, area: area).count } ?? 0
        let visible = DetailView.visibleRows(area: area)
        if let s = scrolled(command, from: scroll, maxScroll: max(0, count - visible), page: visible) {
            m.overlay = .holderDetail(id: id, scroll: s)
        } else if command == .close {
            m.overlay = nil
        }
        return .none
    }

    func handleFilter(_ key: Key, _ prompt: FilterPrompt, _ m: inout DashboardModel) -> Effect {
        var p = prompt
        let outcome = p.handle(key)
        m.filter = p.text
        m.pciIndex = 0
        m.claimIndex = 0
        m.holderIndex = 0
        switch outcome {
        case .editing: m.overlay = .filter(p)
        case .applied, .cleared: m.overlay = nil
        }
        return .none
    }

    func handleConfirmRelease(_ key: Key, _ dialog: ConfirmDialog, _ m: inout DashboardModel) -> Effect {
        var d = dialog
        switch d.handle(key) {
        case .pending:
            m.overlay = .confirmRelease(d)
        case .cancelled:
            m.overlay = nil
            m.setFlash("release of \(d.claimID) cancelled", .info)
        case .accepted:
            m.overlay = nil
            // A stuck claim is audited with what made it stuck, as
            // `restrack release --stuck` audits it.
            let stuck = m.host?.stuck[d.claimID].map { "; stuck: " + $0.map(\.description).joined(separator: "; ") }
            let reason = (d.typedReason ?? ConfirmDialog.defaultReason) + (stuck ?? "")
            // The worker runs it; `finish` flashes and repolls at once.
            return .write(.release(id: d.claimID, reason: reason))
        }
        return .none
    }

    func handleReleaseStuck(_ key: Key, _ dialog: TypeCountDialog, _ m: inout DashboardModel) -> Effect {
        var d = dialog
        switch d.handle(key) {
        case .pending:
            m.overlay = .releaseStuck(d)
        case .cancelled:
            m.overlay = nil
            m.setFlash("nothing released", .info)
        case .mismatch:
            m.overlay = nil
            m.setFlash("typed '\(d.typed)', not \(d.ids.count): nothing released", .error)
        case .accepted:
            m.overlay = nil
            // Only the ids whose count was typed, and only those still
            // stuck when the worker runs it; `finish` repolls at once.
            return .write(.releaseStuck(ids: d.ids))
        }
        return .none
    }

    func handleClaimForm(_ key: Key, _ form: ClaimForm, _ m: inout DashboardModel) -> Effect {
        var f = form
        let command = KeyBinding.command(for: key, in: .claimForm)
        if command == .cancel || (command == .accept && f.field == .cancelButton) {
            m.overlay = nil
            m.setFlash("claim cancelled", .info)
            return .none
        }
        if command == .accept && f.field == .claimButton {
            return submit(f, &m)
        }
        let before = f.request
        f.handle(key)
        refreshPreview(&f, before: before)
        m.overlay = .claimForm(f)
        return .none
    }
}
