import Dashboard
import Testing
import TrackerCore

@Suite struct ControllerTests {
    func press(_ keys: [Key], _ ctl: SyncController, _ m: inout DashboardModel) {
        for k in keys {
            _ = ctl.handle(k, &m, width: 160, height: 50)
            ctl.poll(&m)
        }
    }

    @Test func claimThroughTheFormPinsCPUsAndReleaseNeedsConfirmation() throws {
        let service = Fixtures.service(Fixtures.smallHost())
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        press([.char("c")], ctl, &m)
        guard case .claimForm(let form)? = m.overlay else { Issue.record("no form"); return }
        // Default: 2 dedicated vCPUs; the live preview already names the CPUs.
        #expect(form.preview?.fits == true)
        #expect(service.claims.isEmpty, "the form must not claim before the button")
        // Enter walks the fields to the Claim button, which commits.
        press(Array(repeating: .enter, count: ClaimForm.Field.claimButton.rawValue), ctl, &m)
        #expect(service.claims.isEmpty)
        press([.enter], ctl, &m)
        #expect(m.overlay == nil)
        let claim = try #require(service.claims.first)
        let pinned = ClaimsPane.pinned(claim)
        #expect(pinned.count == 2)
        #expect(pinned.isSubset(of: [2, 3, 4, 5, 6, 7]))
        #expect(m.host?.effective.cells[0].pinnedCPUs == pinned)
        #expect(m.flash?.text.contains("pinned") == true)

        // Release: the dialog opens with Cancel focused; Enter cancels.
        m.focus = .claims
        press([.char("r")], ctl, &m)
        guard case .confirmRelease(let d)? = m.overlay else { Issue.record("no confirm dialog"); return }
        #expect(d.actionFocused == false)
        press([.enter], ctl, &m)
        #expect(service.claims.first?.state.isLive == true)
        // Move focus to Release, then Enter releases.
        press([.char("r"), .left, .enter], ctl, &m)
        #expect(service.claims.first?.state.isLive == false)
        #expect(m.host?.effective.cells[0].pinnedCPUs.isEmpty == true)
    }

    @Test func readOnlyRefusesEveryLedgerKey() {
        let service = Fixtures.service(Fixtures.smallHost(), claims: [Fixtures.claim("c1", consumer: "vm", cpus: [2], age: 900)])
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        m.readOnly = true
        ctl.poll(&m)
        m.focus = .claims
        for key: Key in [.char("c"), .function(2), .char("C"), .char("r"), .delete, .char("R")] {
            m.overlay = nil
            _ = ctl.handle(key, &m, width: 160, height: 50)
            #expect(m.overlay == nil, "\(key) opened \(String(describing: m.overlay))")
            #expect(m.flash?.text.hasPrefix("read-only mode") == true)
        }
        #expect(service.claims[0].state == .claimed)
        let bar = FunctionBar.items(readOnly: true).map(\.1)
        #expect(!bar.contains("Claim") && !bar.contains("Release") && bar.contains("Quit"))
        #expect(HelpOverlay.lines(readOnly: true).filter { $0.2 }.count == KeyBinding.table.filter(\.changesLedger).count)
    }

    @Test func releaseAllStuckNeedsTheExactCount() {
        let claims = [Fixtures.claim("s1", consumer: "a", cpus: [2], age: 900), Fixtures.claim("s2", consumer: "b", cpus: [3], age: 900),
                      Fixtures.claim("ok", consumer: "c", cpus: [4], age: 10)]
        let service = Fixtures.service(Fixtures.smallHost(), claims: claims)
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        press([.char("R"), .char("3"), .enter], ctl, &m)
        #expect(service.claims.allSatisfy { $0.state.isLive })
        #expect(m.flash?.text.contains("nothing released") == true)
        press([.char("R"), .char("2"), .enter], ctl, &m)
        #expect(service.claims.filter { $0.state.isLive }.map(\.id) == ["ok"])
    }

    @Test func formPreviewExplainsANoFit() {
        let service = Fixtures.service(Fixtures.smallHost())
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        // 9 dedicated vCPUs on a host with 6 dedicated CPUs: "2" → "29" → backspace → "9".
        press([.char("c"), .char("9")], ctl, &m)
        press([.backspace, .backspace, .char("9")], ctl, &m)
        guard case .claimForm(let f)? = m.overlay else { Issue.record("no form"); return }
        #expect(f.vcpus == "9")
        #expect(f.preview?.fits == false)
        let text = Fixtures.render(m).text
        #expect(text.contains("does not fit"))
        #expect(text.contains("Claim (does not fit)"))
        // The Claim button refuses, and nothing is claimed.
        press(Array(repeating: .down, count: ClaimForm.Field.claimButton.rawValue) + [.enter], ctl, &m)
        #expect(service.claims.isEmpty)
    }

    @Test func enterOnAPFOpensItsRecord() {
        let service = Fixtures.service(Fixtures.smallHost())
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        m.focus = .pci
        press([.enter], ctl, &m)
        #expect(m.overlay == .device(address: "0000:3b:00.0", scroll: 0))
        let text = Fixtures.render(m).text
        #expect(text.contains("type-PF (SR-IOV physical function)"))
        #expect(text.contains("numvfs 2 / totalvfs 8"))
        #expect(text.contains("✓ sriov_numvfs 2 matches the VFs listed"))
        press([.escape], ctl, &m)
        #expect(m.overlay == nil)
    }
}

@Suite struct ProbeWarningTests {
    @Test func probeWarningsGoToTheStatusLineNotThePanes() {
        var host = Fixtures.smallHost()
        host.warnings = ["/sys/devices/system/node/node0/meminfo: unreadable; assumed 0 MiB", "second warning"]
        let ctl = Fixtures.controller(Fixtures.service(host))
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        #expect(m.flash?.kind == .error)
        #expect(m.flash?.text == "probe warning: /sys/devices/system/node/node0/meminfo: unreadable; assumed 0 MiB (+1 more in the log)")
        let c = Fixtures.render(m, 160, 50)
        #expect(c.line(48).contains("probe warning: /sys/devices/system/node/node0/meminfo"))
        // The same warnings on the next poll do not flash again.
        m.flash = nil
        ctl.poll(&m)
        #expect(m.flash == nil)
    }
}

@Suite struct OwnerStateNoteTests {
    /// A non-root dashboard sees no domain: the probe's one note says why,
    /// on the status line once (not every poll), and a refused domain file
    /// is said too. Notes of the task scan, whose counts change every poll,
    /// are not flashed.
    @Test func ownerStateThatNamesNoHolderIsSaidOnceOnTheStatusLine() {
        let host = Fixtures.smallHost()
        var seen = Observations(now: Fixtures.now, holders: [])
        seen.notVisible = ["3 tasks could not be read (e.g. 77)",
                           "libvirt state not readable as this user (etc/libvirt/qemu/a.xml and 5 more: permission denied); "
                               + "run restrack as root to see libvirt's domains"]
        seen.findings = [Finding(kind: .invalidFile, resource: "run/libvirt/qemu/b.xml", holders: [],
                                 message: "run/libvirt/qemu/b.xml is not well-formed XML (parser stopped at line 1, column 1)")]
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [], observations: seen)
        let ctl = Fixtures.controller(Fixtures.service(host))
        var m = Fixtures.model(host)
        m.host = nil
        ctl.controller.apply(poll: .success(state), &m)
        #expect(m.flash?.kind == .error)
        #expect(m.flash?.text == "run/libvirt/qemu/b.xml is not well-formed XML (parser stopped at line 1, column 1) (+1 more in the log)",
                "\(String(describing: m.flash?.text))")
        #expect(LiveFigures.ownerStateNotes(state).count == 2)
        #expect(!LiveFigures.ownerStateNotes(state).contains { $0.contains("tasks could not be read") })
        m.flash = nil
        ctl.controller.apply(poll: .success(state), &m)
        #expect(m.flash == nil)
    }

    /// A poll whose state differs only by the load (an idle poll's reused
    /// state) keeps the selection and shows the new load; one with fewer
    /// holders clamps the selection to what is left.
    @Test func aLoadOnlyPollKeepsTheSelectionAndFewerHoldersClampIt() {
        let host = Fixtures.smallHost()
        func state(_ pids: [Int32], busy: Double) -> HostState {
            let holders = pids.map { Holder(kind: .kernel, id: "pid:\($0)", name: "p\($0)", pid: $0, comm: "p\($0)", cpus: [2]) }
            return ClaimStateDerivation.derive(snapshot: host, claims: [],
                                               observations: Observations(now: Fixtures.now, holders: holders,
                                                                          utilisation: Utilisation(hostBusyPct: busy)))
        }
        let ctl = Fixtures.controller(Fixtures.service(host))
        var m = Fixtures.model(host)
        ctl.controller.apply(poll: .success(state([10, 11, 12], busy: 20)), &m)
        #expect(HoldersPane.visible(m).count == 3)
        m.holderIndex = 2
        ctl.controller.apply(poll: .success(state([10, 11, 12], busy: 70)), &m)
        #expect(m.holderIndex == 2)
        #expect(m.host.flatMap(LiveFigures.hostBusy) == 70)
        ctl.controller.apply(poll: .success(state([10], busy: 70)), &m)
        #expect(m.holderIndex == 0)
    }
}
