import TrackerCore

/// Reads libvirt's QEMU domains under the host root, read-only: running
/// ones from `run/libvirt/qemu/*.xml` (domstatus), defined ones from
/// `etc/libvirt/qemu/*.xml`. (Stub: filled in by the libvirt adapter.)
public struct LibvirtProbe: Sendable {
    public let root: String?

    public init(root: String?) {
        self.root = root
    }

    /// One holder per domain with its pins, memory, pages and devices per
    /// host node; `snapshot` gives the host's cells (page sizes, CPUs).
    public func read(snapshot: HostSnapshot) -> ForeignReading {
        ForeignReading()
    }
}
