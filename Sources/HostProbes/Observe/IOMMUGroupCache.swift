import Synchronization

/// Each PCI device's IOMMU group, kept between the polls of one long-lived
/// observer (the dashboard) for captured roots without
/// `sys/kernel/iommu_groups/N/devices`, where membership comes from every
/// device's `iommu_group` link.
///
/// The link cannot change while the device's directory exists, so a group
/// is kept under the directory's identity (`PCIDirIdentity`: device, inode
/// and ctime of the bus entry followed to its directory): a device unplugged
/// and replugged, or a directory replaced in a captured tree, is a new
/// identity and its link is read again; a device gone from the bus is
/// dropped. A one-shot command builds a new observer and reads every link.
final class IOMMUGroupCache: Sendable {
    struct Entry: Sendable, Equatable {
        var identity: PCIDirIdentity
        var group: Int?
    }

    private let kept = Mutex<[String: Entry]>([:])

    init() {}

    /// The groups of `addresses`: kept ones whose directory is still the
    /// one read, the rest through `readGroup`. Keeps exactly these
    /// addresses afterwards.
    func groups(of addresses: some Sequence<String>, identity: (String) -> PCIDirIdentity?,
                readGroup: (String) -> Int?) -> [String: Int] {
        kept.withLock { kept in
            var next: [String: Entry] = [:]
            var out: [String: Int] = [:]
            next.reserveCapacity(kept.count)
            out.reserveCapacity(kept.count)
            for address in addresses {
                // Taken before the link is read: a directory replaced in
                // between is a miss next poll, never a stale group.
                let id = identity(address)
                let group: Int?
                if let id, let entry = kept[address], entry.identity == id {
                    group = entry.group
                } else {
                    group = readGroup(address)
                }
                if let id { next[address] = Entry(identity: id, group: group) }
                if let group { out[address] = group }
            }
            kept = next
            return out
        }
    }
}
