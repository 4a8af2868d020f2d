import Dashboard
import Logging
import Testing
import TrackerCore

/// The controller only describes ledger changes; the app's worker runs
/// them. These check the intents and what the screen says once the
/// outcome comes back, without any service.
@Suite struct LedgerIntentTests {
    let ctl = Controller(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))

    /// A model with the small host and the claim form on its Claim button.
    func formOnClaimButton() throws -> (DashboardModel, ClaimForm) {
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.apply(poll: .success(try Fixtures.service(Fixtures.smallHost()).state()), &m)
        _ = ctl.handle(.char("c"), &m, width: 160, height: 50)
        for _ in 0..<ClaimForm.Field.claimButton.rawValue { _ = ctl.handle(.enter, &m, width: 160, height: 50) }
        guard case .claimForm(let f)? = m.overlay else { throw ClaimServiceError("no form") }
        return (m, f)
    }

    /// Enter on Claim closes the form at once and hands back the write, so
    /// the keys move the panes while it waits for the ledger.
    @Test func claimButtonReturnsAWriteAndClosesTheForm() throws {
        var (m, form) = try formOnClaimButton()
        let effect = ctl.handle(.enter, &m, width: 160, height: 50)
        guard case .write(.claim(let request, let consumer, _, let carried)) = effect else {
            Issue.record("expected a claim write, got \(effect)")
            return
        }
        #expect(consumer.name == "dashboard")
        #expect(carried == form)
        #expect(Result<Request, ClaimServiceError>.success(request) == form.request)
        #expect(m.overlay == nil)
        // The arrow keys act on the panes meanwhile (PF, then its first VF).
        m.focus = .pci
        #expect(m.pciIndex == 0)
        _ = ctl.handle(.down, &m, width: 160, height: 50)
        #expect(m.pciIndex == 1)
        #expect(m.overlay == nil)
    }

    /// A refused claim brings the form back with what was typed; if the
    /// operator opened something else meanwhile, only the flash says so.
    @Test func refusedClaimReopensTheFormUnlessSomethingElseIsOpen() throws {
        var (m, form) = try formOnClaimButton()
        guard case .write(let w) = ctl.handle(.enter, &m, width: 160, height: 50) else { Issue.record("no write"); return }
        #expect(ctl.finish(w, .failed("ledger busy"), &m) == Effect.none)
        guard case .claimForm(let back)? = m.overlay else { Issue.record("form not back"); return }
        #expect(back.vcpus == form.vcpus && back.field == form.field)
        #expect(m.flash?.text == "claim refused: ledger busy")

        m.overlay = .help(scroll: 0)
        #expect(ctl.finish(w, .failed("ledger busy"), &m) == Effect.none)
        #expect(m.overlay == .help(scroll: 0))
        #expect(m.flash?.text.contains("c opens the form again") == true)
    }

    /// A preview computed for an earlier request is not shown for the
    /// current one.
    @Test func stalePreviewIsDropped() throws {
        var (m, _) = try formOnClaimButton()
        let wanted = try #require(ctl.previewWanted(m))
        // The operator edits the vCPUs field before the preview arrives.
        var f = try #require(Self.form(m.overlay), "the claim form is not open: \(String(describing: m.overlay))")
        f.vcpus = "4"
        m.overlay = .claimForm(f)
        ctl.applyPreview(.noFit("stale"), for: wanted, &m)
        let after = try #require(Self.form(m.overlay), "the claim form closed: \(String(describing: m.overlay))")
        #expect(after.preview == nil)
        #expect(ctl.previewWanted(m) != wanted)
    }

    /// The claim form if that is the open overlay.
    static func form(_ overlay: Overlay?) -> ClaimForm? {
        if case .claimForm(let f)? = overlay { return f }
        return nil
    }
}
