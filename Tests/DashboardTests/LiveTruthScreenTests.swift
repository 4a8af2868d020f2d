import Dashboard
import Testing
import TrackerCore

/// Issue 10 item 6, on screen: promised beside real. Every figure is worked
/// out in `LiveFixtures`' comment or beside the expectation.
@Suite struct LiveTruthScreenTests {
    // MARK: header

    @Test func headerMetersAt160x50() {
        let c = Fixtures.render(LiveFixtures.model(), 160, 50)
        let l0 = c.line(0), l1 = c.line(1)
        // 48 % of an 8-cell meter: 3.84 rounded up to 4 cells.
        #expect(l0.contains("CPU ▕████░░░░▏ 48%"), "\(l0)")
        // 3,277 of 16,384 MiB: 1.6 cells rounded up to 2; claims promise c1's 200 MiB.
        #expect(l0.contains("mem ▕██░░░░░░▏ used 3.2G · promised 200M / 16.0G"), "\(l0)")
        // 1024 − 200 free = 824 in use (4.83 of 6 cells → 5); c1 promises 100,
        // all explained by use (824 − 724 outside), so nothing is ▒.
        #expect(l1.contains("2M ▕█████░▏ used 824 · promised 100 / 1024"), "\(l1)")
        // CPUs 2-3 by c1 plus 7 held by qemu-kvm.
        #expect(l1.contains("pinned 3/6 dedicated"))
        #expect(l1.contains("1 CPU held outside claims"))
        #expect(l1.contains("claims 1") && l1.contains("1 CONFLICT"), "\(l1)")
        #expect(l1.count <= 160)
    }

    @Test func headerAt80x24KeepsClaimsStuckAndConflictCounts() {
        // A second claim, never confirmed, 900 s old with a 600 s TTL: stuck.
        let stale = Fixtures.claim("s1", consumer: "vm-old", cpus: [4], age: 900)
        let c = Fixtures.render(LiveFixtures.model(extra: [stale]), 80, 24)
        let l1 = c.line(1)
        #expect(l1.contains("claims 2") && l1.contains("1 STUCK") && l1.contains("1 CONFLICT"), "\(l1)")
        #expect(l1.count <= 80 && c.line(0).count <= 80)
        // The CPU meter outranks memory on the first line.
        #expect(c.line(0).contains("CPU ▕████░░░░▏ 48%"), "\(c.line(0))")
        #expect(c.line(0).hasSuffix("12:00:00"))
    }

    @Test func withoutLiveDataTheHeaderKeepsThePromisedFigures() {
        // No kernel page counts, no load: the old segments, no meters.
        let c = Fixtures.render(Fixtures.model(Fixtures.smallHost()), 160, 50)
        #expect(!c.line(0).contains("CPU ▕") && c.line(0).contains("mem 0M/16.0G"))
        #expect(c.line(1).contains("hugepages 2M 0/1024 1G 0/4"))
        // Nothing held: no load row, and the legend keeps its room for the usual kinds.
        let map = LiveFixtures.lines(c, Layout(width: 160, height: 50)?.cpus ?? Rect(x: 0, y: 0, width: 0, height: 0))
        #expect(map.count > 2 && map[1].isEmpty)
        #expect(!c.text.contains("▣") && !c.text.contains("◆") && c.text.contains("r reserved"))
    }

    // MARK: CPU map

    @Test func cpuTilesShowLoadDigitsAndTheHeldCPUAt160x50() throws {
        var m = LiveFixtures.model()
        m.focus = .cpus
        m.cpuIndex = 7
        let c = Fixtures.render(m, 160, 50)
        let lines = LiveFixtures.lines(c, try #require(Layout(width: 160, height: 50)).cpus)
        // CPUs 0-1 shared, 2 pinned by c1, 3 conflict (c1 and dpdk-fwd),
        // 4-6 free, 7 held by qemu-kvm (selected).
        #expect(lines[0] == "c0 ·· ■◆ □□ □▣")
        // busy/10: 5→0 12→1 87→8 100→9 0→0 33.3→3 50→5 99.5→9.
        #expect(lines[1] == "   01 89 03 59")
        let info = lines[lines.count - 2], legend = lines[lines.count - 1]
        #expect(info == "CPU 7 · pinned by pid 4121 (qemu-kvm), no claim · 99% busy · cell 0 · core 6,7", "\(info)")
        #expect(legend.contains("▣ held") && legend.contains("◆ conflict") && legend.contains("0-9 busy/10"), "\(legend)")
        m.cpuIndex = 3
        let conflict = LiveFixtures.lines(Fixtures.render(m, 160, 50), try #require(Layout(width: 160, height: 50)).cpus)
        #expect(conflict[conflict.count - 2].hasPrefix("CPU 3 · CONFLICT: claim c1 (vm-a) and pid 512 (dpdk-fwd) · 100% busy"))
        m.cpuIndex = 2
        let pinned = LiveFixtures.lines(Fixtures.render(m, 160, 50), try #require(Layout(width: 160, height: 50)).cpus)
        #expect(pinned[pinned.count - 2] == "CPU 2 · 87% busy · cell 0 · core 2,3 · pinned by c1 (vm-a)")
    }

    @Test func cpuMapAt80x24WrapsTheHolderOverTheLegendAndReadsInASCII() throws {
        var m = LiveFixtures.model()
        m.focus = .cpus
        m.cpuIndex = 7
        let r = try #require(Layout(width: 80, height: 24)).cpus
        let lines = LiveFixtures.lines(Fixtures.render(m, 80, 24), r)
        #expect(lines[0] == "c0 ·· ■◆ □□ □▣")
        #expect(lines[1] == "   01 89 03 59")
        // 38 columns: the sentence breaks between words onto the legend's line.
        #expect(lines[lines.count - 2] == "CPU 7 · pinned by pid 4121 (qemu-kvm),", "\(lines[lines.count - 2])")
        #expect(lines[lines.count - 1].hasPrefix("no claim · 99% busy"), "\(lines[lines.count - 1])")
        // ASCII: held is @, conflict !, and the digits do not change.
        let ascii = LiveFixtures.lines(Fixtures.render(m, 80, 24, glyphs: .ascii), r)
        #expect(ascii[0] == "c0 .. #! oo o@")
        #expect(ascii[1] == "   01 89 03 59")
    }

    @Test func enterOnAHeldCPUOpensItsHolder() {
        let ctl = Fixtures.controller(Fixtures.service(LiveFixtures.host()))
        var m = LiveFixtures.model()
        m.focus = .cpus
        m.cpuIndex = 7
        _ = ctl.handle(.enter, &m, width: 160, height: 50)
        #expect(m.overlay == .holderDetail(id: "pid:4121", scroll: 0))
        let text = Fixtures.render(m, 160, 50).text
        #expect(text.contains("┤ Holder pid:4121 ├"))
        #expect(text.contains("busy          7: 99%"))
        #expect(text.contains("OUTSIDE       CPU 7 is pinned by pid 4121 (qemu-kvm), not by a restrack claim"))
        // A CPU a claim pins opens the claim, as before.
        m.overlay = nil
        m.cpuIndex = 2
        _ = ctl.handle(.enter, &m, width: 160, height: 50)
        #expect(m.overlay == .claimDetail(id: "c1", scroll: 0))
    }

    // MARK: cells

    @Test func cellsShowKernelMemoryAndThePageSplitAt160x50() throws {
        let c = Fixtures.render(LiveFixtures.model(), 160, 50)
        let lines = LiveFixtures.lines(c, try #require(Layout(width: 160, height: 50)).cells)
        func line(_ label: String) -> String { lines.first { $0.hasPrefix(" " + label) } ?? "" }
        // 58 columns inside: label 9, suffix "3/6 ded, 1 held" 15, 3 gaps → 31-cell
        // bar; 2 of 6 by claims → 10 cells, 1 held → 5.
        let pinned = line("pinned")
        #expect(pinned.hasSuffix("3/6 ded, 1 held"), "\(pinned)")
        #expect(pinned.filter { $0 == "█" }.count == 10 && pinned.filter { $0 == "▓" }.count == 5)
        #expect(line("promised").hasSuffix("200M/16.0G"))
        #expect(line("mem used").hasSuffix("3.2G/16.0G"))
        // Suffix "free 200/1024" 13 → 33-cell bar: 100 claims → 3, 724 outside → 23, 7 left.
        let two = line("2M pages")
        #expect(two.hasSuffix("free 200/1024"), "\(two)")
        #expect(two.filter { $0 == "█" }.count == 3 && two.filter { $0 == "▓" }.count == 23 && two.filter { $0 == "░" }.count == 7)
        let counts = lines[(lines.firstIndex(of: two) ?? 0) + 1]
        #expect(counts.trimmingCharacters(in: .whitespaces) == "█ 100 claims · ▓ 724 outside")
        #expect(line("1G pages").hasSuffix("free 4/4"))
    }

    @Test func cellsAt80x24() throws {
        let c = Fixtures.render(LiveFixtures.model(), 80, 24)
        let lines = LiveFixtures.lines(c, try #require(Layout(width: 80, height: 24)).cells)
        func line(_ label: String) -> String { lines.first { $0.hasPrefix(" " + label) } ?? "" }
        // 38 inside: pinned bar 38−9−15−3 = 11 cells: claims (22+3)/6 → 4, held (11+3)/6 → 2.
        let pinned = line("pinned")
        #expect(pinned.hasSuffix("3/6 ded, 1 held") && pinned.filter { $0 == "▓" }.count == 2, "\(pinned)")
        // 2M bar 38−9−13−3 = 13 cells: 100 → 1, 724 → 9, 3 free.
        let two = line("2M pages")
        #expect(two.filter { $0 == "█" }.count == 1 && two.filter { $0 == "▓" }.count == 9 && two.hasSuffix("free 200/1024"), "\(two)")
        #expect(lines.contains { $0.hasSuffix("█ 100 claims · ▓ 724 outside") })
        // All nine lines of the block fit the nine rows of the pane.
        #expect(line("1G pages").hasSuffix("free 4/4"))
    }

    // MARK: PCI

    @Test func pciRowsShowDriverAndHolderAt160x50() throws {
        let c = Fixtures.render(LiveFixtures.model(), 160, 50)
        let lines = LiveFixtures.lines(c, try #require(Layout(width: 160, height: 50)).pci)
        let pf = lines.first { $0.contains("0000:3b:00.0") } ?? ""
        let vf0 = lines.first { $0.contains("0000:3b:01.0") } ?? ""
        let vf1 = lines.first { $0.contains("0000:3b:01.1") } ?? ""
        #expect(pf.contains(" ice ") && pf.hasSuffix("host"), "\(pf)")
        #expect(vf0.contains(" iavf"), "\(vf0)")
        #expect(vf1.contains(" vfio-pci ") && vf1.hasSuffix("4121/qemu-kvm"), "\(vf1)")
    }

    @Test func pciHolderTakesTheStatusPlaceAt80x24() throws {
        let c = Fixtures.render(LiveFixtures.model(), 80, 24)
        let lines = LiveFixtures.lines(c, try #require(Layout(width: 80, height: 24)).pci)
        let vf1 = lines.first { $0.contains("0000:3b:01.1") } ?? ""
        // 11 columns: the first 10 of "4121/qemu-kvm" and an ellipsis.
        #expect(vf1.hasSuffix("4121/qemu-…"), "\(vf1)")
        let vf0 = lines.first { $0.contains("0000:3b:01.0") } ?? ""
        #expect(vf0.contains("available"))
    }

    @Test func blockedDeviceRecordSaysWhyAndListsVFIOUsers() throws {
        var m = LiveFixtures.model()
        for (w, h) in [(80, 24), (160, 50)] {
            m.overlay = .device(address: "0000:3b:00.0", scroll: 0)
            let pf = Fixtures.render(m, w, h).text
            #expect(pf.contains("not claimable bound to ice: interface ens1f0 is up"), "\(w)x\(h)")
            #expect(pf.contains("used by host  NIC ens1f0 is up"), "\(w)x\(h)")
            m.overlay = .device(address: "0000:3b:01.1", scroll: 0)
            let vf = Fixtures.render(m, w, h).text
            #expect(vf.contains("not claimable held open by pid 4121 (qemu-kvm)"), "\(w)x\(h)")
            #expect(vf.contains("vfio users    pid 4121 (qemu-kvm)"), "\(w)x\(h)")
            #expect(vf.contains("driver        vfio-pci"))
        }
        // A device nobody blocks says nothing of the kind.
        let host = try #require(m.host)
        let free = DeviceDetail.lines(address: "0000:3b:01.0", host: host, glyphs: .unicode)
        #expect(!free.contains { $0.0 == "not claimable" || $0.0 == "vfio users" })
    }

    // MARK: claims

    @Test func conflictIsOnTheClaimRowAndInItsDetail() throws {
        for (w, h) in [(80, 24), (160, 50)] {
            var m = LiveFixtures.model()
            m.focus = .claims
            let lines = LiveFixtures.lines(Fixtures.render(m, w, h), try #require(Layout(width: w, height: h)).claims)
            guard let row = lines.firstIndex(where: { $0.hasPrefix("c1 ") }) else {
                Issue.record("\(w)x\(h): no c1 row")
                continue
            }
            #expect(lines[row].contains("CONFLICT") && !lines[row].contains("confirmed"), "\(lines[row])")
            #expect(lines[row + 1].hasPrefix("  ↳ CPU 3 of claim c1 is also pinned"), "\(lines[row + 1])")
        }
        let host = try #require(LiveFixtures.model().host)
        // The kernel's 200 free 2M pages are fewer than c1 leaves (924): drift
        // too, listed after the conflict, which names the row.
        #expect(host.findings(for: "c1").map(\.kind) == [.conflict, .drift])
        #expect(ClaimDetail.lines(id: "c1", host: host, now: Fixtures.now)
            .contains { $0.0 == "CONFLICT" && $0.1 == LiveFixtures.conflictMessage })
    }

    // MARK: holders

    @Test func holdersViewListsEveryHolderByKindThenIdAt160x50() throws {
        let ctl = Fixtures.controller(Fixtures.service(LiveFixtures.host()))
        var m = LiveFixtures.model()
        _ = ctl.handle(.char("H"), &m, width: 160, height: 50)
        #expect(m.focus == .holders && m.holdersShown)
        let r = try #require(Layout(width: 160, height: 50)).claims
        let c = Fixtures.render(m, 160, 50)
        #expect(c.line(r.y).contains("┤ Holders  5 · 3 kernel · 1 host ├"), "\(c.line(r.y))")
        let lines = LiveFixtures.lines(c, r)
        #expect(lines[0].hasPrefix("KIND     PID     NAME           CPUS        PAGES      DEVS       NOTE"), "\(lines[0])")
        // restrack, then kernel ("outside" < "pid:…", pid 512 before 4121 by
        // value), then host.
        let names = ["vm-a", "outside", "dpdk-fwd", "qemu-kvm", "NIC ens1f0"]
        let rows = names.map { n in lines.firstIndex { $0.contains(n) } ?? -1 }
        #expect(rows == [1, 2, 3, 4, 5], "\(lines.prefix(7).joined(separator: "\n"))")
        #expect(lines[1] == "restrack -       vm-a           2-3         100×2M     -          CONFLICT")
        #expect(lines[2] == "kernel   -       outside        -           724×2M     -          OUTSIDE")
        #expect(lines[4] == "kernel   4121    qemu-kvm       7           -          3b:01.1    OUTSIDE")
        #expect(lines[5].hasPrefix("host     -       NIC ens1f0 is…"))
        // 80x24: kind, name and CPUs fit.
        let small = LiveFixtures.lines(Fixtures.render(m, 80, 24), try #require(Layout(width: 80, height: 24)).claims)
        #expect(small.contains("kernel   qemu-kvm       7"), "\(small.joined(separator: "\n"))")
    }

    @Test func holdersTabFollowsFocusAndHTogglesBack() {
        let ctl = Fixtures.controller(Fixtures.service(LiveFixtures.host()))
        var m = LiveFixtures.model()
        m.focus = .claims
        _ = ctl.handle(.tab, &m, width: 160, height: 50)
        #expect(m.focus == .holders && m.holdersShown)
        // On to the cells: the holders tab stays on screen.
        _ = ctl.handle(.tab, &m, width: 160, height: 50)
        #expect(m.focus == .cells && m.holdersShown)
        #expect(Fixtures.render(m, 160, 50).text.contains("┤ Holders "))
        _ = ctl.handle(.char("H"), &m, width: 160, height: 50)
        #expect(m.focus == .holders)
        _ = ctl.handle(.char("H"), &m, width: 160, height: 50)
        #expect(m.focus == .claims && !m.holdersShown)
        #expect(Fixtures.render(m, 160, 50).text.contains("┤ Claims "))
        #expect(!Fixtures.render(m, 160, 50).text.contains("┤ Holders "))
    }

    @Test func holdersFilterAndDetail() throws {
        let ctl = Fixtures.controller(Fixtures.service(LiveFixtures.host()))
        var m = LiveFixtures.model()
        _ = ctl.handle(.char("H"), &m, width: 80, height: 24)
        // The cgroup matches: only qemu-kvm is left.
        let typed: [Key] = [.char("/")] + "machine.slice".map(Key.char) + [.enter]
        for k in typed { _ = ctl.handle(k, &m, width: 80, height: 24) }
        #expect(HoldersPane.visible(m).map(\.id) == ["pid:4121"])
        let r = try #require(Layout(width: 80, height: 24)).claims
        let lines = LiveFixtures.lines(Fixtures.render(m, 80, 24), r)
        #expect(lines.count >= 2 && lines[1].hasPrefix("kernel   qemu-kvm"), "\(lines)")
        #expect(!lines.contains { $0.contains("dpdk-fwd") })
        // A filter that matches none says so.
        m.filter = "no-such-holder"
        #expect(Fixtures.render(m, 80, 24).text.contains("no holder matches the filter"))
        m.filter = "qemu"
        _ = ctl.handle(.enter, &m, width: 80, height: 24)
        #expect(m.overlay == .holderDetail(id: "pid:4121", scroll: 0))
        let host = try #require(m.host)
        let detail = HolderDetail.lines(id: "pid:4121", host: host)
        func value(_ k: String) -> [String] { detail.filter { $0.0 == k }.map(\.1) }
        #expect(value("pid") == ["4121 (qemu-kvm)"])
        #expect(value("cgroup") == ["/machine.slice/machine-qemu-7.scope"])
        #expect(value("CPUs") == ["7"])
        #expect(value("memory") == ["node 0 · 2.0G"])
        #expect(value("device") == ["0000:3b:01.1 · driver vfio-pci"])
        let text = Fixtures.render(m, 80, 24).text
        #expect(text.contains("┤ Holder pid:4121 ├") && text.contains("cgroup        /machine.slice/machine-qemu-7.scope"))
        // Esc closes; j moves the selection in the (unfiltered) list.
        _ = ctl.handle(.escape, &m, width: 80, height: 24)
        #expect(m.overlay == nil)
        m.filter = ""
        _ = ctl.handle(.char("j"), &m, width: 80, height: 24)
        #expect(m.holderIndex == 1)
        _ = ctl.handle(.enter, &m, width: 80, height: 24)
        #expect(m.overlay == .holderDetail(id: "outside", scroll: 0))
        #expect(HolderDetail.lines(id: "outside", host: host).contains { $0.0 == "pages" && $0.1 == "node 0 · 724×2M" })
    }

    @Test func holdersKeyIsInTheTableAndHelp() {
        #expect(KeyBinding.binding(for: .char("H"))?.command == .holders)
        #expect(HelpOverlay.lines(readOnly: false).contains { $0.0 == "H" && $0.1.hasPrefix("holders view") })
    }
}
