/// One hugepage pool as the kernel counts it beside what restrack promised:
/// the pages in use that no confirmed claim (and no host reservation or
/// pre-promised `used`) explains are `outside`. Only pools whose snapshot
/// carries the kernel's `free` count are judged: a `--host` file without it
/// has nothing to say about outside use.
public struct PoolUse: Hashable, Sendable {
    public var key: PagePoolKey
    public var total: Int
    public var free: Int
    public var surplus: Int
    /// Kept for the host (`reserved_huge_pages`): the host's own use of them
    /// is expected, so it is not outside use and not counted twice.
    public var reserved: Int
    /// Promised before restrack (the snapshot's `used`).
    public var preUsed: Int
    /// Pages all live claims hold here (claimed and confirmed).
    public var claimed: Int
    /// Pages confirmed claims hold here: their guests may have faulted them.
    public var confirmed: Int
    /// Pages libvirt domains and kubelet pods hold here (`foreignOwners`
    /// are their labels). The kernel's counts may or may not show them
    /// (a captured root's sysfs need not), so they explain in-use pages
    /// and are withheld even when the kernel shows them free.
    public var foreign: Int = 0
    public var foreignOwners: [String] = []

    /// Pages the kernel shows in use: total − free − surplus.
    public var inUse: Int { Swift.max(0, total - free - surplus) }

    /// In use beyond what the host keeps, what was promised before restrack,
    /// what confirmed guests hold and what foreign owners hold.
    public var outside: Int { Swift.max(0, inUse - confirmed - reserved - preUsed - foreign) }

    /// Pages a fit must not promise besides the claims: the outside use,
    /// and the surplus pages. `total` is `nr_hugepages`, which counts the
    /// surplus (overcommitted pages the kernel allocated on demand and gives
    /// back when freed): they are not part of the persistent pool, so with
    /// them taken out a fit never promises more than the kernel's free
    /// count plus what confirmed claims already hold. Foreign owners' pages
    /// are withheld too, so the effective free count is also at most
    /// total − claims − foreign pages.
    public var withheld: Int { outside + surplus + foreign }

    /// "824 of 1024 2M pages on node 0".
    public var resource: String { "\(PageSizeText.short(kb: key.sizeKB)) pages on node \(key.node)" }

    /// Every judged pool of `snapshot` (hugepage pools with a kernel `free`
    /// count; the smallest size is the kernel's base pages, never free-counted),
    /// with `claimed`/`confirmed` pages per pool from the live claims.
    static func all(snapshot: HostSnapshot, claimed: [PagePoolKey: Int], confirmed: [PagePoolKey: Int],
                    foreign: [PagePoolKey: (count: Int, owners: [String])] = [:]) -> [PoolUse] {
        var out: [PoolUse] = []
        for cell in snapshot.cells {
            let smallest = cell.mempages.map(\.sizeKB).min()
            for pool in cell.mempages where pool.sizeKB != smallest {
                let key = PagePoolKey(node: cell.id, sizeKB: pool.sizeKB)
                // Without the kernel's count only foreign owners' pages are
                // judged (taken as all the pool has in use).
                guard let free = pool.free ?? (foreign[key] != nil ? pool.total : nil) else { continue }
                var use = PoolUse(key: key, total: pool.total, free: free, surplus: pool.surplus ?? 0,
                                  reserved: pool.reserved, preUsed: pool.used, claimed: claimed[key] ?? 0,
                                  confirmed: confirmed[key] ?? 0)
                use.foreign = foreign[key]?.count ?? 0
                use.foreignOwners = foreign[key]?.owners ?? []
                out.append(use)
            }
        }
        return out
    }
}
