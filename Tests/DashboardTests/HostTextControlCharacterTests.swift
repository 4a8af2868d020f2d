import Dashboard
import Testing
import TrackerCore

/// Every place a host, ledger or operator string reaches the screen, fed
/// strings full of terminal controls. The oracle is Unicode itself (C0, DEL,
/// C1, format characters, line and paragraph separators, by code point and
/// general category), never `SafeText`, so a site that skips the sanitizer
/// or a sanitizer that misses a class both fail.
@Suite struct HostTextControlCharacterTests {
    /// ESC CSI (SGR, clear screen), OSC title with BEL, 8-bit CSI (U+009B),
    /// NEL (U+0085), NUL, DEL, bidi overrides and isolates, zero-width
    /// characters, BOM, line separator, CR LF and TAB.
    static let payload = "\u{1b}[31m\u{1b}[2J\u{1b}]0;owned\u{07}\u{9b}2J\u{85}\u{0}\u{7f}\u{202E}\u{202A}\u{2066}\u{2069}"
        + "\u{200B}\u{200D}\u{200F}\u{FEFF}\u{2028}\r\n\t\u{1}\u{1f}z"

    /// `marker` (letters, which survive) followed by the payload.
    static func evil(_ marker: String) -> String { marker + payload }

    static func forbidden(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) { return true }
        if (0x200B...0x200F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFEFF {
            return true
        }
        switch u.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// (x, y, scalar) of every forbidden scalar on the canvas.
    static func offending(_ c: Canvas) -> [String] {
        var out: [String] = []
        for y in 0..<c.height {
            for x in 0..<c.width {
                for u in c[x, y].char.unicodeScalars where forbidden(u) {
                    out.append("(\(x),\(y)) U+\(String(u.value, radix: 16, uppercase: true))")
                }
            }
        }
        return out
    }

    static let evilAddress = "0000:5e:00.0" + payload
    static let evilClaimID = evil("CLMID")

    /// A host and claims with a hostile string in every field that is drawn.
    static func hostileHost() -> HostSnapshot {
        var host = Fixtures.smallHost()
        host.hostname = evil("HOSTN")
        host.pciDevices[0].deviceName = evil("PFNAM")
        host.pciDevices[0].vendorName = evil("VENDR")
        host.pciDevices[0].driver = evil("DRIVR")
        host.pciDevices[0].className = evil("CLASS")
        host.pciDevices[0].subsystemName = evil("SUBSY")
        host.pciDevices[0].netInterfaces = [evil("NETIF")]
        host.pciDevices[0].physicalNetwork = evil("PHYSN")
        host.pciDevices[1].deviceName = evil("VFNAM")
        var plain = PCIDevice(address: evilAddress, vendorID: "8086", productID: "0d58", devType: .pci, numaNode: 0)
        plain.deviceName = evil("GPUNM")
        host.pciDevices.append(plain)
        host.pciAliases.append(PCIAlias(name: evil("ALIAS"), vendorID: "8086", productID: "0d58", deviceType: .pci))
        return host
    }

    static func hostileClaims() -> [Claim] {
        // Holds CPU 2 and the first VF; id, consumer, note and domain are hostile.
        var holder = Fixtures.claim(evilClaimID, consumer: evil("CONSM"), cpus: [2], devices: ["0000:3b:01.0"], age: 30,
                                    state: .confirmed)
        holder.note = evil("NOTEX")
        holder.consumer.domainUUID = evil("DOMID")
        // Stuck: it names a device the host does not have, by a hostile address.
        let gone = Fixtures.claim("c2gone", consumer: evil("GONEC"), devices: ["0000:ff:00.0" + payload], age: 30,
                                  state: .confirmed)
        // Its owner cannot be checked; the reason quotes a hostile string.
        var hidden = Fixtures.claim("c3hide", consumer: "vm-hidden", cpus: [3], age: 30, state: .confirmed)
        hidden.consumer.pid = 4242
        hidden.consumer.pidStartTime = 7
        return [holder, gone, hidden]
    }

    static func model() -> DashboardModel {
        var m = Fixtures.model(hostileHost())
        m.host = Tracker.state(snapshot: hostileHost(), claims: hostileClaims(), now: Fixtures.now,
                               processStartTime: { _ in .unknown(why: evil("WHYXX")) })
        return m
    }

    static let evilHolderID = evil("HLDID")

    /// The hostile state with what the kernel shows: a holder whose id,
    /// name, comm and cgroup are hostile, pinned to CPU 4 and holding the
    /// last VF; a hostile block reason and finding messages (one a conflict
    /// with the hostile claim).
    static func liveModel() -> DashboardModel {
        var m = model()
        let h = Holder(kind: .kernel, id: evilHolderID, name: evil("HLDNM"), pid: 4121, comm: evil("HCOMM"),
                       cgroup: evil("HCGRP"), cpus: [4], pages: [HeldPages(node: 0, sizeKB: 2048, count: 3)],
                       pciDevices: ["0000:3b:01.1"], memoryMBPerNode: [0: 64])
        let nameless = Holder(kind: .host, id: "host:0000:3b:00.0", name: evil("HOSTU"), pciDevices: ["0000:3b:00.0"])
        m.host?.holders += [h, nameless]
        m.host?.cpuHolders = [4: h]
        m.host?.findings = [
            Finding(kind: .conflict, resource: "CPU 2", holders: [evilClaimID, evilHolderID], message: evil("CNFLT")),
            Finding(kind: .outsideUse, resource: "CPU 4", holders: [evilHolderID], message: evil("OUTSD")),
        ]
        m.host?.deviceBlockers = ["0000:3b:01.1": evil("BLOKR")]
        m.host?.utilisation = Utilisation(cpuBusyPct: [0: 10, 4: 95], hostBusyPct: 20,
                                          nodeMemory: [0: NodeMemory(totalMB: 16384, freeMB: 8192, usedMB: 8192)])
        return m
    }

    /// Renders every screen that shows host text, in Unicode and ASCII, at
    /// the smallest and a large size; returns (what, canvas).
    static func screens() -> [(String, Canvas)] {
        var out: [(String, Canvas)] = []
        func add(_ what: String, _ m: DashboardModel) {
            for (w, h) in [(80, 24), (160, 50)] {
                for g in [Glyphs.unicode, Glyphs.ascii] {
                    out.append(("\(what) \(w)x\(h)\(g.isASCII ? " ascii" : "")", Fixtures.render(m, w, h, glyphs: g)))
                }
            }
        }
        let service = Fixtures.service(hostileHost(), claims: hostileClaims())
        let ctl = Fixtures.controller(service)
        var base = model()
        base.now = Fixtures.now
        for pane in PaneID.allCases {
            var m = base
            m.focus = pane
            // CPU 2 (third tile) is held by the hostile claim: its owner line.
            if pane == .cpus { m.cpuIndex = 2 }
            // The first VF row, held by the hostile claim.
            if pane == .pci { m.pciIndex = 1 }
            add("panes, \(pane) focused", m)
        }
        var m = base
        m.overlay = .claimDetail(id: evilClaimID, scroll: 0)
        add("claim detail", m)
        m.overlay = .claimDetail(id: "c2gone", scroll: 0)
        add("stuck claim detail", m)
        m.overlay = .claimDetail(id: "c3hide", scroll: 0)
        add("unverified claim detail", m)
        for address in ["0000:3b:00.0", "0000:3b:01.0", evilAddress] {
            m.overlay = .device(address: address, scroll: 0)
            add("device detail \(address.prefix(12))", m)
        }
        // The release dialog with a hostile reason typed (pasted) into it.
        m = base
        m.focus = .claims
        m.claimIndex = ClaimsPane.visible(m).firstIndex { $0.id == evilClaimID } ?? 0
        _ = ctl.handle(.char("r"), &m, width: 160, height: 50)
        for ch in evil("REASN") { _ = ctl.handle(.char(ch), &m, width: 160, height: 50) }
        add("release dialog", m)
        // Release all stuck: lists the ids.
        m = base
        m.overlay = .releaseStuck(TypeCountDialog(ids: [evilClaimID, "c2gone"]))
        add("release stuck dialog", m)
        // The claim form: hostile consumer and alias, with the fit preview.
        var form = ClaimForm(host: hostileHost())
        form.consumer = evil("FORMC")
        form.field = .consumer
        form.aliasIndex = form.aliases.count - 1
        if case .success(let r) = form.request { form.preview = service.preview(r) }
        m = base
        m.overlay = .claimForm(form)
        add("claim form, consumer field", m)
        form.field = .alias
        m.overlay = .claimForm(form)
        add("claim form, alias field", m)
        // Filter prompt, the filter echoed, the status line and the header.
        m = base
        m.filter = evil("FILTR")
        m.overlay = .filter(FilterPrompt(text: evil("PROMP")))
        add("filter prompt", m)
        m.overlay = nil
        add("filter applied", m)
        m = base
        m.setFlash(evil("FLASH"), .error)
        m.pollError = evil("POLLE")
        add("flash and poll error", m)
        var empty = DashboardModel()
        empty.pollError = evil("NOHST")
        add("poll error before the first state", empty)
        // What the kernel shows: the CPU it shows held (selected), the
        // holders tab on the hostile holder, its detail, the blocked VF's
        // record and row, the conflict on the claim.
        let live = liveModel()
        for pane in PaneID.allCases {
            var lm = live
            lm.focus = pane
            if pane == .cpus { lm.cpuIndex = 4 }
            if pane == .pci { lm.pciIndex = 2 }
            if pane == .holders { lm.holderIndex = HoldersPane.visible(lm).firstIndex { $0.id == evilHolderID } ?? 0 }
            add("live panes, \(pane) focused", lm)
        }
        m = live
        m.overlay = .holderDetail(id: evilHolderID, scroll: 0)
        add("holder detail", m)
        m.overlay = .holderDetail(id: "host:0000:3b:00.0", scroll: 0)
        add("host holder detail", m)
        m.overlay = .device(address: "0000:3b:01.1", scroll: 0)
        add("blocked device detail", m)
        m.overlay = .device(address: "0000:3b:00.0", scroll: 0)
        add("host device detail", m)
        m.overlay = .claimDetail(id: evilClaimID, scroll: 0)
        add("conflicting claim detail", m)
        return out
    }

    @Test func noControlOrFormatCharacterReachesAnyCanvasCell() {
        for (what, c) in Self.screens() {
            let bad = Self.offending(c)
            #expect(bad.isEmpty, "\(what): \(bad.prefix(8).joined(separator: " "))")
        }
    }

    @Test func everyHostileFieldWasActuallyDrawn() {
        // Without this the test above could pass by drawing nothing.
        let all = Self.screens().map { $0.1.text }.joined(separator: "\n")
        for marker in ["HOSTN", "PFNAM", "VENDR", "DRIVR", "CLASS", "SUBSY", "NETIF", "PHYSN", "VFNAM", "GPUNM", "ALIAS",
                       "CLMID", "CONSM", "NOTEX", "DOMID", "GONEC", "WHYXX", "REASN", "FORMC", "FILTR", "PROMP", "FLASH",
                       "POLLE", "NOHST", "0000:5e:00.0", "HLDID", "HLDNM", "HCOMM", "HCGRP", "HOSTU", "CNFLT", "OUTSD",
                       "BLOKR"] {
            #expect(all.contains(marker), "\(marker) is drawn nowhere")
        }
    }
}
