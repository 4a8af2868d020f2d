import Synchronization
import TrackerCore

/// Per-device facts that cannot change while a device directory exists
/// (ids, class, names, NUMA node, IOMMU group, SR-IOV total, the `physfn`
/// link), kept between polls by a long-lived owner (the dashboard's
/// `SnapshotLoader`). A poll whose device directories all match a kept
/// identity skips libpci and re-reads only what can change: the driver
/// link, `sriov_numvfs`, network interfaces and the device list itself.
/// Any new, replaced or unlisted directory sends the poll down the full
/// scan, which refills the cache.
public final class PCIFactCache: Sendable {
    struct Facts: Sendable {
        var identity: PCIDirIdentity
        /// The device with its unchanging fields filled; the changing ones
        /// are overwritten on every poll.
        var device: PCIDevice
        var isVF: Bool
    }

    private let kept = Mutex<[String: Facts]>([:])

    public init() {}

    /// The kept facts of every listed device, in address order, or nil when
    /// any of them is unknown or its directory is not the one read before.
    func facts(for names: [String], reader: SysfsReader) -> [Facts]? {
        kept.withLock { kept -> [Facts]? in
            guard !kept.isEmpty, kept.count == names.count else { return nil }
            var found: [Facts] = []
            found.reserveCapacity(names.count)
            for name in names {
                guard let facts = kept[name],
                      let identity = PCIDirIdentity(path: reader.path("\(PCIProbe.busDir)/\(name)")),
                      identity == facts.identity
                else { return nil }
                found.append(facts)
            }
            return found.sorted { $0.device.address < $1.device.address }
        }
    }

    /// Replaces everything kept: devices gone from the bus are forgotten.
    func replace(with facts: [String: Facts]) {
        kept.withLock { $0 = facts }
    }
}
