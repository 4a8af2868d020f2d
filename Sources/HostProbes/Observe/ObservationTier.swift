/// How much of the host one `HostObserver.observe` reads afresh.
public enum ObservationTier: Sendable, Equatable {
    /// Everything: the claims' owners, the load, and the structure (task
    /// scan, cgroup leaves, device use, libvirt and the kubelet). What every
    /// decision (`claim`, `preview`, `check`, `fit --live`) is taken on.
    case full
    /// What a display needs each second: the owners and the load are read
    /// afresh, the structure is kept from the last scan unless a change
    /// signal fired (`ChangeSignals`), the snapshot changed, or `rescanAfter`
    /// seconds of the caller's clock have passed since it was read.
    case display(rescanAfter: Double)
}
