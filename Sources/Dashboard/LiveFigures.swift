import TrackerCore

/// Promised and real side by side: the numbers the header, the panes and
/// the details share, worked out from one `HostState` so they agree.
/// Promised comes from the claims; real from what the kernel showed
/// (`utilisation`, the probed page pools, `holders`).
public enum LiveFigures {
    /// Host-wide busy %, or the mean over the CPUs sampled; nil when no
    /// load was sampled.
    public static func hostBusy(_ host: HostState) -> Double? {
        guard let u = host.utilisation else { return nil }
        if let h = u.hostBusyPct { return h }
        guard !u.cpuBusyPct.isEmpty else { return nil }
        return u.cpuBusyPct.values.reduce(0, +) / Double(u.cpuBusyPct.count)
    }

    /// Busy % of one CPU over the last sample.
    public static func busy(_ cpu: Int, _ host: HostState) -> Double? { host.utilisation?.cpuBusyPct[cpu] }

    /// The load digit of a tile: busy/10 rounded down, 100 % shown as 9.
    public static func loadDigit(_ pct: Double) -> Character {
        let d = min(9, max(0, Int(pct / 10)))
        return Character(String(d))
    }

    /// "87%": whole percent, rounded down so 99.6 % is not shown as 100.
    public static func percent(_ pct: Double) -> String { "\(min(100, max(0, Int(pct))))%" }

    /// (used, total) MiB over every node the kernel reported; nil when none.
    public static func kernelMemory(_ host: HostState) -> (used: Int, total: Int)? {
        guard let nodes = host.utilisation?.nodeMemory, !nodes.isEmpty else { return nil }
        return (nodes.values.reduce(0) { $0 + $1.usedMB }, nodes.values.reduce(0) { $0 + $1.totalMB })
    }

    /// The pool as probed (kernel `free` and `surplus` live there).
    public static func probedPool(_ host: HostState, node: Int, sizeKB: Int) -> PagePool? {
        host.snapshot.cells.first { $0.id == node }?.mempages.first { $0.sizeKB == sizeKB }
            ?? host.effective.cells.first { $0.id == node }?.mempages.first { $0.sizeKB == sizeKB }
    }

    /// Pages in use by anyone as the kernel counts them, `total − free −
    /// surplus` (the rule, as `check` judges outside use); nil when
    /// the kernel's free count was not read.
    public static func pagesInUse(_ host: HostState, node: Int, sizeKB: Int) -> Int? {
        guard let p = probedPool(host, node: node, sizeKB: sizeKB), let free = p.free else { return nil }
        return max(0, p.total - free - (p.surplus ?? 0))
    }

    /// Pages the kernel shows free; nil when not read.
    public static func pagesFree(_ host: HostState, node: Int, sizeKB: Int) -> Int? {
        probedPool(host, node: node, sizeKB: sizeKB)?.free
    }

    /// Pages live claims promise on one node and size.
    public static func pagesClaimed(_ host: HostState, node: Int, sizeKB: Int) -> Int {
        host.claims.reduce(0) { sum, c in
            sum + c.usage.cells.filter { $0.hostCell == node && $0.pageSizeKB == sizeKB }.reduce(0) { $0 + $1.pages }
        }
    }

    /// Pages held by holders that neither a claim nor a libvirt domain or
    /// kubelet pod explains (the `outside` holder, processes) on one node
    /// and size. A domain's or pod's pages are its owner's, not outside
    /// use: they are `pagesForeign`.
    public static func pagesOutside(_ host: HostState, node: Int, sizeKB: Int) -> Int {
        var sum = 0
        for h in host.holders where h.kind != .restrack && !h.isForeign {
            sum += pages(of: h, node: node, sizeKB: sizeKB)
        }
        return sum
    }

    /// One holder's pages of one node and size. Summed in place: the
    /// header asks per node and size every frame, and filtering copied
    /// every holder of a host with hundreds of domains and pods each time.
    static func pages(of h: Holder, node: Int, sizeKB: Int) -> Int {
        var sum = 0
        for p in h.pages where p.node == node && p.sizeKB == sizeKB { sum += p.count }
        return sum
    }

    /// Pages libvirt domains and kubelet pods hold on one node and size, as
    /// the derivation counts them: a shut-off domain only with `--count-defined`.
    public static func pagesForeign(_ host: HostState, node: Int, sizeKB: Int) -> Int {
        var sum = 0
        for h in host.holders where h.isForeign {
            // Whether a shut-off domain counts is a search of the live
            // holdings: asked only of holders with pages here.
            let mine = pages(of: h, node: node, sizeKB: sizeKB)
            if mine > 0, !holdsNothing(h, host) { sum += mine }
        }
        return sum
    }

    /// A shut-off domain the derivation did not count (no `--count-defined`):
    /// listed, holding nothing.
    public static func holdsNothing(_ h: Holder, _ host: HostState) -> Bool {
        h.foreign?.state == .defined && !(host.live?.holding.contains { $0.id == h.id } ?? false)
    }

    /// CPUs the kernel shows pinned by a holder that no claim explains.
    public static func heldOutside(_ host: HostState) -> CPUSet {
        CPUSet(host.cpuHolders.keys.filter { host.cpuOwners[$0] == nil })
    }

    /// Holders other than claims that hold device `address`.
    public static func deviceHolders(_ address: String, _ host: HostState) -> [Holder] {
        host.holders.filter { $0.kind != .restrack && $0.pciDevices.contains(address) }
    }

    /// A holder in a narrow column: `host`, `4121/qemu-kvm`, a cgroup's or
    /// holder's name, `vm instance-0000001c`, `pod web-0`. Host text: draw
    /// with `hostText`.
    public static func shortLabel(_ h: Holder) -> String {
        if h.kind == .host { return "host" }
        if h.kind == .libvirt { return "vm \(h.name)" }
        if h.kind == .kubelet { return "pod \(h.name)" }
        if let pid = h.pid { return "\(pid)/\(h.comm ?? h.name)" }
        return h.name
    }

    /// What the libvirt and kubelet probes said that names no holder, so no
    /// row can show it: a state file refused (`invalid-file`), state not
    /// readable as this user or not visible (their notes start with
    /// `libvirt` or `kubelet`). The task scan's notes are left out: their
    /// counts change every poll and the Holders view is not where they matter.
    public static func ownerStateNotes(_ host: HostState?) -> [String] {
        (host?.findings ?? []).filter { f in
            guard f.holders.isEmpty else { return false }
            switch f.kind {
            case .invalidFile: return true
            case .notVisible: return f.message.hasPrefix("libvirt") || f.message.hasPrefix("kubelet")
            default: return false
            }
        }.map(\.message)
    }

    /// Host-level findings that name holder `id`, worst first.
    public static func findings(of id: String, _ host: HostState) -> [Finding] {
        host.findings.filter { $0.holders.contains(id) }.sorted { rank($0.kind) < rank($1.kind) }
    }

    static func rank(_ k: FindingKind) -> Int {
        switch k {
        case .conflict: return 0
        case .checksumMismatch: return 1
        case .stale: return 2
        case .outsideUse: return 3
        case .drift: return 4
        case .invalidFile: return 5
        case .notVisible: return 6
        }
    }

    /// Holders other than claims that hold CPU `cpu` (a domain, a pod, a
    /// pinned process), as the derivation counts them: a shut-off domain
    /// only with `--count-defined`. Two of them is a conflict.
    public static func cpuHolders(_ cpu: Int, _ host: HostState) -> [Holder] {
        var out = host.cpuHolders[cpu].map { [$0] } ?? []
        for h in host.live?.holding ?? [] where h.kind != .restrack && h.cpus.contains(cpu) && !out.contains(where: { $0.id == h.id }) {
            out.append(h)
        }
        return out
    }

    /// CPUs and PCI addresses some conflict finding names: drawn in the
    /// danger style wherever they appear.
    public static func conflicted(_ host: HostState) -> (cpus: CPUSet, devices: Set<String>) {
        var cpus = CPUSet()
        var devices = Set<String>()
        for f in host.findings where f.kind == .conflict {
            if f.resource.hasPrefix("PCI ") {
                devices.insert(String(f.resource.dropFirst(4)))
            } else if let list = ["CPUs ", "CPU "].first(where: f.resource.hasPrefix),
                      let set = try? CPUSet(cpulist: String(f.resource.dropFirst(list.count))) {
                cpus.formUnion(set)
            }
        }
        return (cpus, devices)
    }

    /// Conflicts on the host: between owners (`findings`) and between
    /// promises in the ledger (`conflicts`).
    public static func conflictCount(_ host: HostState) -> Int {
        host.findings.filter { $0.kind == .conflict }.count + host.conflicts.count
    }
}
