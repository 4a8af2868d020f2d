/// What the host has, what is promised and what is free: the snapshot with
/// every live claim applied. The fitter runs against `effective`; the
/// dashboard and `restrack list` read owners and stuck reasons from here.
public struct HostState: Hashable, Sendable {
    /// The host as probed (or simulated), before claims.
    public var snapshot: HostSnapshot
    /// `snapshot` plus the usage of every live claim: pinned CPUs, shared
    /// vCPU and memory usage per cell, pages used per pool, PCI status with
    /// Nova's PF⇄VF rules. This is what a new request is fitted against.
    public var effective: HostSnapshot
    /// Live claims (claimed or confirmed), oldest first.
    public var claims: [Claim]
    /// Host CPU → id of the claim that pins it (vCPU pins, emulator CPUs and
    /// siblings reserved by `isolate`).
    public var cpuOwners: [Int: String]
    /// PCI address → id of the claim that holds it.
    public var pciOwners: [String: String]
    /// Claim id → why it is stuck; claims absent here are healthy.
    public var stuck: [String: [StuckReason]]
    /// Promises that contradict each other or the snapshot (a CPU or device
    /// held twice, a PF and one of its VFs both held, a held device the
    /// snapshot shows in use by someone else): one sentence each. Empty on a
    /// healthy ledger; `restrack check` fails when it is not.
    public var conflicts: [String]
    /// Claim id → its owner pid this reader could not look at (`hidepid`,
    /// another namespace). Such claims are not stuck; they are shown so the
    /// operator knows their owner was not checked.
    public var ownersNotVisible: [String: OwnerNotVisible]
    /// Where the host differs from what live claims promise (affinity,
    /// drivers, free hugepages), in the order `restrack check` lists them.
    public var drift: [Drift]
    /// Every holder: one `restrack` holder per live claim, then what the
    /// observations showed held by others (a kernel holder explained by a
    /// claim's own owner is folded into that claim, one a running libvirt
    /// domain or kubelet pod explains into that owner, not listed twice).
    public var holders: [Holder]
    /// Host-level findings beside the claims' own state: outside use,
    /// conflicts between owners, holders not visible. `check` fails on
    /// `outsideUse` and `conflict`.
    public var findings: [Finding]
    /// PCI address → why it cannot be claimed now although the snapshot
    /// lists it ("bound to virtio-pci: disk controller of vda, mounted at /",
    /// "held open by pid 4121 (qemu-kvm)"). `effective` shows such devices
    /// unavailable.
    public var deviceBlockers: [String: String]
    /// Host CPU → the holder (not a claim) that the kernel shows pinned to
    /// it; `effective` counts such CPUs as pinned.
    public var cpuHolders: [Int: Holder]
    /// Live load, when it was sampled.
    public var utilisation: Utilisation?
    /// The host before and after holders' use is taken out, with the
    /// kernel's hugepage counts: what `LiveFit` refits against to name the
    /// holder that blocks a request. nil for a state built by hand.
    public var live: LiveView?

    public init(snapshot: HostSnapshot, effective: HostSnapshot, claims: [Claim], cpuOwners: [Int: String],
                pciOwners: [String: String], stuck: [String: [StuckReason]], conflicts: [String] = [],
                ownersNotVisible: [String: OwnerNotVisible] = [:], drift: [Drift] = [], holders: [Holder] = [],
                findings: [Finding] = [], deviceBlockers: [String: String] = [:], cpuHolders: [Int: Holder] = [:],
                utilisation: Utilisation? = nil, live: LiveView? = nil) {
        self.live = live
        self.holders = holders
        self.findings = findings
        self.deviceBlockers = deviceBlockers
        self.cpuHolders = cpuHolders
        self.utilisation = utilisation
        self.snapshot = snapshot
        self.effective = effective
        self.claims = claims
        self.cpuOwners = cpuOwners
        self.pciOwners = pciOwners
        self.stuck = stuck
        self.conflicts = conflicts
        self.ownersNotVisible = ownersNotVisible
        self.drift = drift
    }

    /// Drift that concerns claim `id` (its own, and pools it shares).
    public func drift(of id: String) -> [Drift] {
        drift.filter { $0.holders.contains(id) }
    }

    /// Conflicts that name claim `id` as one of the owners.
    public func conflicts(of id: String) -> [Finding] {
        findings.filter { $0.kind == .conflict && $0.holders.contains(id) }
    }

    /// Everything to say under claim `id`: stuck reasons, then conflicts
    /// with other holders, then drift, then an owner that could not be
    /// checked. Empty for a healthy claim.
    public func findings(for id: String) -> [ClaimFinding] {
        (stuck[id] ?? []).map { ClaimFinding(kind: .stuck, text: $0.description) }
            + conflicts(of: id).map { ClaimFinding(kind: .conflict, text: $0.message) }
            + drift(of: id).map { ClaimFinding(kind: .drift, text: $0.detail) }
            + (ownersNotVisible[id].map { [ClaimFinding(kind: .ownerNotVisible, text: $0.description)] } ?? [])
    }
}
