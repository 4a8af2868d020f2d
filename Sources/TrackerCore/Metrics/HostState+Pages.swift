extension HostState {
    /// Hugepages each pool's live claims hold (claimed and confirmed), as
    /// `observe` (`claimed`) and the metrics (`restrack_hugepages_promised_pages`)
    /// both report them.
    public var promisedPages: [PagePoolKey: Int] {
        var claimed: [PagePoolKey: Int] = [:]
        for claim in claims {
            for u in claim.usage.cells where u.pages > 0 {
                if let size = u.pageSizeKB { claimed[PagePoolKey(node: u.hostCell, sizeKB: size), default: 0] += u.pages }
            }
        }
        return claimed
    }

    /// Hugepages in use outside restrack per pool (`observe`'s `outside`,
    /// `restrack_hugepages_outside_pages`): only pools whose kernel free
    /// count was read are judged, so the others are absent.
    public var outsidePages: [PagePoolKey: Int] {
        var outside: [PagePoolKey: Int] = [:]
        for pool in live?.pools ?? [] { outside[pool.key] = pool.outside }
        return outside
    }

    /// Hugepages libvirt domains and kubelet pods hold per pool (`observe`'s
    /// `foreign`): what explains in-use pages besides the claims, so they
    /// are not `outside`. A shut-off domain's only with `--count-defined`.
    public var foreignPages: [PagePoolKey: Int] {
        var held: [PagePoolKey: Int] = [:]
        for pool in live?.pools ?? [] where pool.foreign > 0 { held[pool.key] = pool.foreign }
        return held
    }
}
