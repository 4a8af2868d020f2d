extension Holder {
    /// A libvirt domain or a kubelet pod, read from its owner's state files.
    public var isForeign: Bool { kind == .libvirt || kind == .kubelet }

    /// Whether this holder takes its CPUs, pages and devices out of the
    /// host: a shut-off (`defined`) domain only when asked
    /// (`--count-defined`, as Nova counts it); everything else always, a
    /// `stale` owner too, since its owner's state still promises them.
    public func holdsResources(countDefined: Bool) -> Bool {
        foreign?.state != .defined || countDefined
    }

    /// Every host CPU this holder's state names for it: held ones, floating
    /// and emulator CPUs, each vCPU's pin and each container's CPUs. A
    /// kernel holder (a vCPU thread, a container's cgroup) pinned inside
    /// these is this owner's own use.
    var namedCPUs: CPUSet {
        var all = cpus
        guard let f = foreign else { return all }
        all.formUnion(f.floatingCPUs ?? [])
        all.formUnion(f.emulatorCPUs ?? [])
        for pin in (f.vcpuPins ?? [:]).values { all.formUnion(pin) }
        for set in (f.containers ?? [:]).values { all.formUnion(set) }
        return all
    }

    /// What an operator does about this holder holding something another
    /// owner holds too. restrack never edits libvirt's or the kubelet's
    /// state, nor another process's pins.
    var remedy: String {
        switch kind {
        case .libvirt:
            return "re-pin or move \(label) (virsh vcpupin/emulatorpin, or resize/migrate the instance through Nova)"
        case .kubelet:
            return "delete or reschedule \(label) (if the pod is gone, drain the node and let the kubelet rebuild its state)"
        case .restrack:
            return "release \(label)"
        case .kernel, .host:
            return "re-pin or stop \(label)"
        }
    }
}
