import Dashboard
import Testing
import TrackerCore

/// Issue 9, words: page sizes, the claim form on a host without dedicated
/// CPUs, and the release reason.
@Suite struct DashboardWordsTests {
    @Test func pageSizesAreWrittenInOneUnitStyle() {
        #expect(PageSizeText.short(kb: 4) == "4K")
        #expect(PageSizeText.short(kb: 2048) == "2M")
        #expect(PageSizeText.short(kb: 1_048_576) == "1G")
        #expect(PageSizeText.short(kb: 524_288) == "512M")
        #expect(PageSizeText.short(kb: 1536) == "1536K")
        // The sentences that name a pool or a page size use it too.
        #expect(StuckReason.poolShrunk(cell: 0, sizeKB: 2048, missingPages: 3).description
            == "the 2M page pool on cell 0 shrank: 3 of this claim's pages are not there")
        #expect(PageSizeRequest.kib(1_048_576).description == "1G")
        let noFit = Fitter.fit(Request(vcpus: 1, memoryMB: 1024, memPageSize: .kib(16384)), on: Fixtures.smallHost())
        #expect(noFit.reason?.contains("16M pages") == true, "\(noFit.reason ?? "")")
        #expect(noFit.reason?.contains("KiB") == false)
    }

    @Test func everyPageSizeOnTheDashboardUsesTheShortUnits() {
        // A claim in 2M pages: header, NUMA pane, claims row and detail.
        let claim = Fixtures.claim("c1page", consumer: "vm", cpus: [2], age: 30, state: .confirmed, pageKB: 2048,
                                   memoryMB: 1024)
        var m = Fixtures.model(Fixtures.smallHost(), claims: [claim])
        let c = Fixtures.render(m, 160, 50)
        #expect(c.line(1).contains("hugepages 2M 512/1024 1G 0/4"), "\(c.line(1))")
        #expect(c.text.contains("2M pages") && c.text.contains("1G pages"))
        #expect(c.text.contains("512×2M"))
        m.overlay = .claimDetail(id: "c1page", scroll: 0)
        let detail = Fixtures.render(m, 160, 50).text
        #expect(detail.contains("in 2M pages"))
        #expect(!detail.contains("KiB") && !detail.contains("2048K"))
    }

    static func hostWithoutDedicatedCPUs() -> HostSnapshot {
        var host = Fixtures.smallHost()
        host.cells[0].cpus = [0, 1, 2, 3, 4, 5, 6, 7]
        host.cells[0].pcpus = []
        return host
    }

    @Test func claimFormOnAHostWithoutDedicatedCPUsSaysHowToGetThemAndOpensOnShared() {
        let host = Self.hostWithoutDedicatedCPUs()
        let service = Fixtures.service(host)
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(host)
        ctl.poll(&m)
        _ = ctl.handle(.char("c"), &m, width: 160, height: 50)
        guard case .claimForm(let form)? = m.overlay else { Issue.record("no form"); return }
        #expect(form.policy == .shared)
        #expect(form.preview?.fits == true, "the default request must be one this host can take")
        let text = Fixtures.render(m, 160, 50).text
        #expect(text.contains("cpu_dedicated_set"))
        #expect(text.contains("isolcpus="))
        // A host that has dedicated CPUs opens on dedicated, with no hint.
        let usual = ClaimForm(host: Fixtures.smallHost())
        #expect(usual.policy == .dedicated && usual.noDedicatedHint == nil)
    }

    @Test func releaseDialogPassesTheTypedReason() throws {
        let claim = Fixtures.claim("c1rel", consumer: "vm", cpus: [2], age: 30, state: .confirmed)
        let service = Fixtures.service(Fixtures.smallHost(), claims: [claim])
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        m.focus = .claims
        _ = ctl.handle(.char("r"), &m, width: 160, height: 50)
        // Letters are the reason now, q and n included; controls and format
        // characters are not taken; Bksp erases.
        for ch in "disk\u{1b}\u{9b}\u{202E}\u{200B} swapx" { _ = ctl.handle(.char(ch), &m, width: 160, height: 50) }
        _ = ctl.handle(.backspace, &m, width: 160, height: 50)
        guard case .confirmRelease(let d)? = m.overlay else { Issue.record("dialog closed"); return }
        #expect(d.reason == "disk swap")
        #expect(Fixtures.render(m, 160, 50).text.contains("Reason: disk swap_"))
        _ = ctl.handle(.left, &m, width: 160, height: 50)
        _ = ctl.handle(.enter, &m, width: 160, height: 50)
        #expect(service.claims[0].state.isLive == false)
        #expect(service.claims[0].note == "disk swap")
        // With nothing typed the audit still says where it came from.
        let other = Fixtures.claim("c2rel", consumer: "vm", cpus: [3], age: 30, state: .confirmed)
        let s2 = Fixtures.service(Fixtures.smallHost(), claims: [other])
        let ctl2 = Fixtures.controller(s2)
        var m2 = Fixtures.model(Fixtures.smallHost())
        ctl2.poll(&m2)
        m2.focus = .claims
        for k: Key in [.char("r"), .left, .enter] { _ = ctl2.handle(k, &m2, width: 160, height: 50) }
        #expect(s2.claims[0].note == "released from the dashboard")
    }
}
