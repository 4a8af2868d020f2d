import TrackerCore

/// Everything about one holder (Enter on a Holders row, or on a CPU the
/// kernel shows held): what it is, what it holds, the load on its CPUs and
/// what `check` says about it.
public enum HolderDetail {
    public static func lines(id: String, host: HostState) -> [(String, String, Role)] {
        guard let h = host.holders.first(where: { $0.id == id }) else { return [("holder", "\(id) is no longer seen", .dim)] }
        var out: [(String, String, Role)] = []
        let what: String = switch h.kind {
        case .restrack: "restrack: a claim in the ledger"
        case .kernel: "kernel: held as the kernel shows it, no claim explains it"
        case .host: "host: the host itself uses it"
        case .libvirt: "libvirt: a domain libvirt runs"
        case .kubelet: "kubelet: a pod the kubelet runs"
        }
        out.append(("kind", what, h.kind == .restrack ? .ok : .warn))
        out.append(("id", h.id, .value))
        out.append(("name", h.name, .value))
        if let pid = h.pid { out.append(("pid", "\(pid)" + (h.comm.map { " (\($0))" } ?? ""), .value)) }
        if let cg = h.cgroup { out.append(("cgroup", cg, .value)) }
        if let f = h.foreign { out += foreign(f) }
        if h.kind == .restrack, let c = host.claims.first(where: { $0.id == h.id }) {
            out.append(("claim", "\(c.consumer.name) · \(c.state.rawValue)" + (c.consumer.pid.map { " · owner pid \($0)" } ?? ""), .value))
        }
        out.append(("CPUs", h.cpus.isEmpty ? "none" : h.cpus.cpulist, h.cpus.isEmpty ? .dim : .pinned))
        let loads = h.cpus.sorted.compactMap { cpu in LiveFigures.busy(cpu, host).map { "\(cpu): \(LiveFigures.percent($0))" } }
        if !loads.isEmpty {
            let shown = loads.prefix(16).joined(separator: " · ") + (loads.count > 16 ? " · +\(loads.count - 16) more" : "")
            out.append(("busy", shown, .value))
        }
        if h.pages.isEmpty {
            out.append(("pages", "none", .dim))
        } else {
            for p in h.pages.sorted(by: { ($0.node, $0.sizeKB) < ($1.node, $1.sizeKB) }) {
                out.append(("pages", "node \(p.node) · \(p.count)×\(PageSizeText.short(kb: p.sizeKB))", .value))
            }
        }
        for (node, mb) in h.memoryMBPerNode.sorted(by: { $0.key < $1.key }) {
            out.append(("memory", "node \(node) · \(Fmt.mib(mb))", .value))
        }
        if h.pciDevices.isEmpty { out.append(("devices", "none", .dim)) }
        for a in h.pciDevices {
            let driver = host.snapshot.pciDevices.first { $0.address == a }?.driver
            out.append(("device", a + (driver.map { " · driver \($0)" } ?? ""), .value))
        }
        for f in LiveFigures.findings(of: h.id, host) {
            let (label, role): (String, Role) = switch f.kind {
            case .conflict: ("CONFLICT", .danger)
            case .outsideUse: ("OUTSIDE", .warn)
            case .drift: ("DRIFT", .warn)
            case .notVisible: ("not visible", .dim)
            case .stale: ("STALE", .danger)
            case .checksumMismatch: ("CHECKSUM", .danger)
            case .invalidFile: ("INVALID", .warn)
            }
            out.append((label, f.message, role))
        }
        return out
    }

    /// A domain's uuid, state and Nova metadata, each vCPU's pin next to
    /// what its thread may really run on (danger where it may run outside
    /// the pin), emulator and floating CPUs; a pod's uid and containers.
    static func foreign(_ f: ForeignDetail) -> [(String, String, Role)] {
        var out: [(String, String, Role)] = []
        if let uuid = f.uuid { out.append(("uuid", uuid, .value)) }
        if let uid = f.podUID { out.append(("pod uid", uid, .value)) }
        let state: String = switch f.state {
        case .running: "running"
        case .defined: "defined, not running (holds its resources only with --count-defined)"
        case .stale: "stale: its state names a process or pod that is gone; its resources stay promised"
        }
        out.append(("state", state, f.state == .stale ? .danger : (f.state == .running ? .ok : .dim)))
        if f.verified == false { out.append(("CHECKSUM", "checkpoint checksum does not match: shown unverified", .danger)) }
        let nova = [f.novaInstance.map { "instance \($0)" }, f.novaFlavor.map { "flavor \($0)" },
                    f.novaProject.map { "project \($0)" }].compactMap { $0 }
        if !nova.isEmpty { out.append(("nova", nova.joined(separator: " · "), .value)) }
        for (vcpu, pin) in (f.vcpuPins ?? [:]).sorted(by: { $0.key < $1.key }) {
            var text = "vCPU \(vcpu) → \(pin.cpulist)"
            var role = Role.value
            if let tid = f.vcpuThreads?[vcpu] { text += " · thread \(tid)" }
            if let applied = f.appliedPins?[vcpu] {
                let outside = !applied.isSubset(of: pin)
                text += " · runs on \(applied.cpulist)" + (outside ? " (outside its pin)" : "")
                if outside { role = .danger }
            }
            out.append(("pin", text, role))
        }
        if let e = f.emulatorCPUs, !e.isEmpty { out.append(("emulator", e.cpulist, .value)) }
        if let fl = f.floatingCPUs, !fl.isEmpty { out.append(("floating", fl.cpulist + " (shared, not held)", .value)) }
        for (name, cpus) in (f.containers ?? [:]).sorted(by: { $0.key < $1.key }) {
            out.append(("container", "\(name) → \(cpus.isEmpty ? "shared pool" : cpus.cpulist)", .value))
        }
        for source in f.sources { out.append(("source", source, .dim)) }
        return out
    }

    public static func draw(id: String, scroll: Int, host: HostState?, into c: inout Canvas, area: Rect, glyphs g: Glyphs) {
        let box = DetailView.box(area: area)
        let inner = DialogFrame.open(into: &c, over: area, width: box.width, height: box.height, title: "Holder \(id)", glyphs: g)
        guard let host else { return }
        let rows = lines(id: id, host: host)
        let start = max(0, min(scroll, rows.count - DetailView.visibleRows(area: area)))
        for (i, row) in rows.dropFirst(start).prefix(DetailView.visibleRows(area: area)).enumerated() {
            let loud = ["CONFLICT", "OUTSIDE", "DRIFT", "STALE", "CHECKSUM"].contains(row.0) || row.2 == .danger
            c.text(inner.x, inner.y + i, Fmt.left(row.0, 13), Style(loud ? row.2 : .label, bold: true))
            c.hostText(inner.x + 14, inner.y + i, row.1, Style(row.2), maxWidth: inner.width - 14)
        }
        c.text(inner.x, inner.maxY - 1, "Esc back · ↑↓ PgUp PgDn Home End scroll", Style(.dim))
    }
}
