/// The host's free PCI devices grouped the way Nova's `PciDeviceStats`
/// pools them (vendor, product, device type, NUMA node, physical network,
/// and the parent PF for VFs), answering "can these requests be met by the
/// devices affine to this set of host cells?" exactly, with PF⇄VF
/// exclusivity, for any number of requests across pools.
///
/// Nova applies requests one after another, greedily; here the requests are
/// matched together (augmenting paths), so a fit Nova finds is always found,
/// and some Nova misses are found too. Cell sets are bitmasks over the
/// positions of `HostSnapshot.cells`.
struct PCIPools: Sendable {
    struct DeviceClass: Sendable {
        var numaNode: Int?
        /// Position of the host cell whose id is `numaNode`, if any.
        var hostIndex: Int?
        var isPF: Bool
        /// For a PF, its own address; for a VF, its parent's.
        var family: String?
        var addresses: [String]
    }

    let requests: [ResolvedPCIRequest]
    private(set) var classes: [DeviceClass] = []
    /// Per request, the classes whose devices match its specs.
    private(set) var eligible: [[Int]] = []
    private let cellSockets: [Int?]
    private let allSocketsKnown: Bool
    /// PF classes that a PF request could take while a VF request could take
    /// their VFs: each is used either as a PF or for its VFs, never both.
    private(set) var conflictPFs: [Int] = []
    private var childClasses: [Int: [Int]] = [:]

    init(host: HostSnapshot, requests: [ResolvedPCIRequest]) {
        self.requests = requests
        cellSockets = host.cells.map(\.socket)
        allSocketsKnown = host.cells.allSatisfy { $0.socket != nil }
        var indexOfCell: [Int: Int] = [:]
        for (i, c) in host.cells.enumerated() { indexOfCell[c.id] = i }

        // Devices are grouped as they come (no lower-casing or sorting of
        // thousands of addresses per fit): ids of one family are written
        // alike, and any device of a class is as good as another.
        struct Key: Hashable {
            var vendor: String, product: String, type: PCIDeviceType, node: Int?, net: String?, family: String?
        }
        var classOf: [Key: Int] = [:]
        var samples: [PCIDevice] = []
        guard !requests.isEmpty else { return }
        let devices = host.pciDevices
        // Indices, not `for d in`: a PCIDevice carries a dozen optional
        // strings, and copying each of 2,048 VFs out of the array costs more
        // than the rest of the fit.
        for i in devices.indices where devices[i].status == .available {
            guard requests.contains(where: { $0.matches(devices[i]) }) else { continue }
            let d = devices[i]
            let family: String? = d.devType == .pf ? d.address : (d.devType == .vf ? d.parentAddr : nil)
            // VFs of one PF come one after another: compare with the last
            // class before hashing four strings.
            if let last = samples.indices.last, classes[last].family == family, samples[last].numaNode == d.numaNode,
               samples[last].devType == d.devType, samples[last].vendorID == d.vendorID,
               samples[last].productID == d.productID, samples[last].physicalNetwork == d.physicalNetwork {
                classes[last].addresses.append(d.address)
                continue
            }
            let key = Key(vendor: d.vendorID, product: d.productID, type: d.devType, node: d.numaNode,
                          net: d.physicalNetwork, family: family)
            if let c = classOf[key] {
                classes[c].addresses.append(d.address)
            } else {
                classOf[key] = classes.count
                samples.append(d)
                classes.append(DeviceClass(
                    numaNode: d.numaNode, hostIndex: d.numaNode.flatMap { indexOfCell[$0] }, isPF: d.devType == .pf,
                    family: family, addresses: [d.address]))
            }
        }
        eligible = requests.map { r in samples.indices.filter { r.matches(samples[$0]) } }

        // PF⇄VF conflicts only matter where both sides are wanted.
        let pfWanted = Set(requests.indices.filter { requests[$0].takesPFs }.flatMap { eligible[$0] })
        let vfWanted = Set(requests.indices.flatMap { eligible[$0] }.filter { !classes[$0].isPF })
        for c in classes.indices where classes[c].isPF && pfWanted.contains(c) {
            let kids = classes.indices.filter { k in
                !classes[k].isPF && classes[k].family == classes[c].family && vfWanted.contains(k)
            }
            if !kids.isEmpty {
                conflictPFs.append(c)
                childClasses[c] = kids
            }
        }
    }

    var isEmpty: Bool { requests.isEmpty }
    var totalCount: Int { requests.reduce(0) { $0 + $1.count } }

    /// May request `r` take devices of class `c` when the guest uses the host
    /// cells in `cells` (nil: a guest without NUMA topology, no policy applies)?
    /// required ⊂ legacy (adds devices without NUMA node) ⊂ preferred; socket
    /// adds the cells of the used cells' sockets when every cell knows its
    /// socket, as Nova's `_filter_pools_for_numa_cells` does.
    func allowed(_ r: Int, _ c: Int, cells: UInt64?) -> Bool {
        guard let cells else { return true }
        let policy = requests[r].policy
        if policy == .preferred { return true }
        let cls = classes[c]
        if let h = cls.hostIndex, cells & (1 << UInt64(h)) != 0 { return true }
        switch policy {
        case .legacy: return cls.numaNode == nil
        case .socket:
            guard allSocketsKnown, let h = cls.hostIndex, let s = cellSockets[h] else { return false }
            for i in cellSockets.indices where cells & (1 << UInt64(i)) != 0 && cellSockets[i] == s { return true }
            return false
        default: return false
        }
    }

    /// Can all requests be met together with the devices allowed for `cells`?
    func feasible(cells: UInt64?) -> Bool { assignment(cells: cells) != nil }

    /// Device addresses meeting all requests, in request order, or nil.
    func assign(cells: UInt64?) -> [String]? {
        guard let (slotsOfClass, slotRequest) = assignment(cells: cells) else { return nil }
        var perRequest = [[String]](repeating: [], count: requests.count)
        for (c, slots) in slotsOfClass.enumerated() {
            for (k, s) in slots.enumerated() { perRequest[slotRequest[s]].append(classes[c].addresses[k]) }
        }
        return perRequest.flatMap { $0 }
    }

    /// Upper bounds that refuse a partial cell choice cheaply: with the host
    /// cells `chosen` taken and `remaining` more to take among `candidates`,
    /// could the devices ever suffice? Never refuses a set that could work.
    func mayFit(chosen: UInt64, candidates: UInt64, remaining: Int) -> Bool {
        // Cell-additive policies: the best `remaining` candidate cells.
        var jointNeed = 0
        var jointBase = 0
        var jointPerCell: [Int: Int] = [:]
        var sawAdditive = false
        var counted = Set<Int>()
        for (r, req) in requests.enumerated() where req.policy == .required || req.policy == .legacy {
            sawAdditive = true
            jointNeed += req.count
            var base = 0
            var perCell: [Int: Int] = [:]
            for c in eligible[r] {
                let cls = classes[c]
                let n = cls.addresses.count
                var inBase = false
                if let h = cls.hostIndex {
                    if chosen & (1 << UInt64(h)) != 0 { inBase = true } else if candidates & (1 << UInt64(h)) != 0 {
                        perCell[h, default: 0] += n
                        if counted.insert(c).inserted { jointPerCell[h, default: 0] += n }
                        continue
                    }
                } else if cls.numaNode == nil && req.policy == .legacy {
                    inBase = true
                }
                if inBase {
                    base += n
                    if counted.insert(c).inserted { jointBase += n }
                }
            }
            let best = perCell.values.sorted(by: >).prefix(remaining).reduce(0, +)
            if base + best < req.count { return false }
        }
        if sawAdditive {
            let best = jointPerCell.values.sorted(by: >).prefix(remaining).reduce(0, +)
            if jointBase + best < jointNeed { return false }
        }
        return feasible(cells: chosen | candidates)
    }

    /// One sentence for the request that the devices allowed by `cells`
    /// cannot meet on its own, or a sentence about the requests together.
    func shortfall(cells: UInt64?, cellNames: String) -> String {
        for (r, req) in requests.enumerated() {
            let have = eligible[r].filter { allowed(r, $0, cells: cells) }.reduce(0) { $0 + classes[$1].addresses.count }
            if have < req.count {
                let all = eligible[r].reduce(0) { $0 + classes[$1].addresses.count }
                if cells == nil || all < req.count {
                    return "\(req.label) needs \(Wording.count(req.count, "free matching PCI device")), the host has \(all)"
                }
                return "\(req.label) needs \(Wording.count(req.count, "PCI device")) with numa_policy \(req.policy.rawValue), \(have) \(have == 1 ? "is" : "are") free for \(cellNames)"
            }
        }
        let why = conflictPFs.isEmpty ? "" : " (a PF and its VFs cannot both be given)"
        return "the PCI requests together need \(totalCount) devices, and no choice of free devices for \(cellNames) meets them all\(why)"
    }

    /// The sentence for a guest whose cells fit but not with its devices:
    /// a request whose affinity the guest's `guestCells` cells cannot reach
    /// (the cells with the most matching devices among `reachable`), else
    /// the general shortfall over all reachable cells.
    func shortfall(reachable: UInt64, guestCells: Int, cellNames: String) -> String {
        for (r, req) in requests.enumerated() where req.policy == .required || req.policy == .legacy {
            var base = 0
            var perCell: [Int: Int] = [:]
            for c in eligible[r] {
                let n = classes[c].addresses.count
                if let h = classes[c].hostIndex, reachable & (1 << UInt64(h)) != 0 {
                    perCell[h, default: 0] += n
                } else if classes[c].numaNode == nil && req.policy == .legacy {
                    base += n
                }
            }
            let best = base + perCell.values.sorted(by: >).prefix(guestCells).reduce(0, +)
            if best < req.count {
                return "\(req.label) needs \(Wording.count(req.count, "PCI device")) with numa_policy \(req.policy.rawValue), and the guest's \(Wording.count(guestCells, "NUMA cell")) can be affine to at most \(best) of them"
            }
        }
        return shortfall(cells: reachable, cellNames: cellNames)
    }

    // MARK: - Matching

    /// Kuhn's augmenting paths from request slots to class capacity, tried
    /// for each way of settling the PF⇄VF conflicts. Returns, per class, the
    /// slots it serves, and each slot's request.
    private func assignment(cells: UInt64?) -> ([[Int]], [Int])? {
        var slotRequest: [Int] = []
        var slotClasses: [[Int]] = []
        for (r, req) in requests.enumerated() {
            // Affine devices first, then devices without a NUMA node, then
            // the rest: the order Nova's policies prefer.
            let ok = eligible[r].filter { allowed(r, $0, cells: cells) }
            let ranked = ok.sorted { a, b in rank(a, cells) < rank(b, cells) }
            if ranked.reduce(0, { $0 + classes[$1].addresses.count }) < req.count { return nil }
            for _ in 0..<req.count {
                slotRequest.append(r)
                slotClasses.append(ranked)
            }
        }
        for asPF in settlements(slotClasses: slotClasses) {
            var cap = classes.map(\.addresses.count)
            for (i, pf) in conflictPFs.enumerated() {
                if asPF[i] {
                    for kid in childClasses[pf] ?? [] { cap[kid] = 0 }
                } else {
                    cap[pf] = 0
                }
            }
            if let served = match(slotClasses: slotClasses, cap: cap) { return (served, slotRequest) }
        }
        return nil
    }

    /// Ways to settle the contested PFs (true: given as a PF, its VFs held
    /// back; false: the PF held back for its VFs). Up to 12 every way is
    /// tried, so the matching is exact. Past that (2^k matchings would be too
    /// many) a bounded set of 2k + 4 ways, each of which keeps the PF⇄VF rule,
    /// so a fit found is always valid, but one that needs an unusual split
    /// can be missed: first the split a matching without the rule picks
    /// (its conflicts settled for the PF, then for the VFs), then all PFs
    /// one way, then the first or last j PFs as PFs for every j, which
    /// covers any mix of PF and VF counts on PFs that are alike.
    private func settlements(slotClasses: [[Int]]) -> [[Bool]] {
        let k = conflictPFs.count
        if k <= 12 {
            return (0..<(1 << k)).map { mode in (0..<k).map { mode & (1 << $0) != 0 } }
        }
        var out: [[Bool]] = []
        if let free = match(slotClasses: slotClasses, cap: classes.map(\.addresses.count)) {
            let usedAsPF = conflictPFs.map { !free[$0].isEmpty }
            let usedForVFs = conflictPFs.map { pf in (childClasses[pf] ?? []).contains { !free[$0].isEmpty } }
            out.append(usedAsPF)
            out.append((0..<k).map { usedAsPF[$0] && !usedForVFs[$0] })
        }
        out.append([Bool](repeating: false, count: k))
        out.append([Bool](repeating: true, count: k))
        for j in 1..<k {
            out.append((0..<k).map { $0 < j })
            out.append((0..<k).map { $0 >= k - j })
        }
        return out
    }

    private func rank(_ c: Int, _ cells: UInt64?) -> Int {
        guard let cells else { return 0 }
        if let h = classes[c].hostIndex, cells & (1 << UInt64(h)) != 0 { return 0 }
        return classes[c].numaNode == nil ? 1 : 2
    }

    private func match(slotClasses: [[Int]], cap: [Int]) -> [[Int]]? {
        var served = [[Int]](repeating: [], count: classes.count)
        var visited = [Bool](repeating: false, count: classes.count)

        func augment(_ s: Int) -> Bool {
            for c in slotClasses[s] where !visited[c] && cap[c] > 0 {
                visited[c] = true
                if served[c].count < cap[c] {
                    served[c].append(s)
                    return true
                }
                for (i, other) in served[c].enumerated() where augment(other) {
                    served[c][i] = s
                    return true
                }
            }
            return false
        }

        for s in slotClasses.indices {
            for i in visited.indices { visited[i] = false }
            if !augment(s) { return nil }
        }
        return served
    }
}
