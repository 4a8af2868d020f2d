import TrackerCore

/// The second half of every ledger key: what the screen says once the
/// worker has run the write, and which preview the claim form still needs.
extension Controller {
    /// Flash, log line and follow-up for a finished write; `.repoll` after a
    /// change so the panes show it at once.
    public func finish(_ write: LedgerWrite, _ outcome: WriteOutcome, _ m: inout DashboardModel) -> Effect {
        switch (write, outcome) {
        case (.claim(_, let consumer, _, _), .claimed(let c)):
            logger.info("claimed \(c.id) for \(consumer.name) from the dashboard")
            let pins = ClaimsPane.pinned(c)
            m.setFlash("claimed \(c.id) for \(consumer.name)" + (pins.isEmpty ? "" : ": CPUs \(pins.cpulist) pinned"), .ok)
            if m.overlay == nil { m.focus = .claims }
            return .repoll
        case (.claim(_, _, _, let form), .failed(let error)):
            logger.warning("claim refused: \(error)")
            // Back to the form to change it, unless the operator has
            // opened something else meanwhile.
            if m.overlay == nil {
                var f = form
                f.preview = nil
                m.overlay = .claimForm(f)
                m.setFlash("claim refused: \(error)", .error)
            } else {
                m.setFlash("claim refused: \(error) (c opens the form again)", .error)
            }
            return .none
        case (.confirm(let id, let consumer), .done):
            logger.info("confirmed claim \(id) from the dashboard")
            m.setFlash("confirmed \(id) (\(consumer))", .ok)
            return .repoll
        case (.release(let id, _), .done):
            logger.info("released claim \(id) from the dashboard")
            m.setFlash("released \(id)", .ok)
            return .repoll
        case (.releaseStuck(let ids), .releasedStuck(let done)):
            logger.info("released stuck claims \(done.joined(separator: " ")) from the dashboard")
            m.setFlash("released \(done.count) stuck claim\(done.count == 1 ? "" : "s")"
                       + (done.count < ids.count ? " (\(ids.count - done.count) were no longer stuck)" : ""), .ok)
            return .repoll
        case (_, .failed(let error)):
            logger.error("\(write.summary) failed: \(error)")
            m.setFlash("\(write.summary) failed: \(error)", .error)
            return .repoll
        default:
            logger.error("\(write.summary): unexpected outcome \(outcome)")
            return .repoll
        }
    }

    /// The request whose preview the open claim form lacks, if any.
    public func previewWanted(_ m: DashboardModel) -> Request? {
        guard case .claimForm(let f)? = m.overlay, f.preview == nil, case .success(let r) = f.request else { return nil }
        return r
    }

    /// Puts a preview into the form if it is still for the form's request.
    public func applyPreview(_ d: Decision, for r: Request, _ m: inout DashboardModel) {
        guard case .claimForm(var f)? = m.overlay, case .success(let now) = f.request, now == r else { return }
        f.preview = d
        m.overlay = .claimForm(f)
    }
}
