/// Page counts of a host cell by page size, read straight from its
/// `mempages` (a handful of pools): no dictionary per host cell per fit.
/// The last pool of a size wins, as building a dictionary from them did.
struct PageTable: Sendable {
    let pools: [PagePool]
    /// Free pages (total − used − reserved; may be negative, as Nova
    /// computes it) or, when false, total pages.
    let free: Bool

    subscript(size: Int) -> Int? {
        for pool in pools.reversed() where pool.sizeKB == size {
            return free ? pool.total - pool.used - pool.reserved : pool.total
        }
        return nil
    }
}
