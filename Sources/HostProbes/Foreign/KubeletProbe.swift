import TrackerCore

/// Reads the kubelet's checkpoints under `var/lib/kubelet/` of the host
/// root, read-only (CPU manager, memory manager, device manager), verifying
/// their checksums as the kubelet does. (Stub: filled in by the kubelet
/// adapter.)
public struct KubeletProbe: Sendable {
    public let root: String?

    public init(root: String?) {
        self.root = root
    }

    /// One holder per pod with its exclusive CPUs per container, memory and
    /// hugepages per node and devices.
    public func read(snapshot: HostSnapshot) -> ForeignReading {
        ForeignReading()
    }
}
