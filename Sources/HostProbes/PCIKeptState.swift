import TrackerCore

/// Everything a kept poll (`PCIKeptRead`) starts from and leaves for the
/// next one, by device index in address order: the facts, the directories
/// that hold the devices' directories, and the last poll's answer. A kept
/// poll changes only what it read differently, so on a poll where nothing
/// changed the devices, the interface names and the flags handed on are
/// the very arrays of the poll before (no copy of thousands of devices).
struct PCIKeptState: Sendable {
    var facts: [PCIFactCache.Facts]
    // Per device, what every kept poll asks of its facts, kept apart: read
    // from these, no device's facts (a dozen strings) are copied per poll.
    /// Each device's name in the directory it is read through (`parentOf`).
    let names: [String]
    let addresses: [String]
    let identities: [PCIDirIdentity]
    /// Whether each device is a VF read in full by the kept read (not
    /// virtio; see `PCIKeptRead`).
    let plainVF: [Bool]
    /// The bus directory's identity when the facts were read.
    var bus: PCIDirIdentity?
    var parents: [PCIKeptParent]
    /// Each device's index in `parents`, or -1 when it is reached through
    /// its bus entry.
    var parentOf: [Int]
    /// The devices under each of `parents`, by index.
    var children: [[Int]]
    /// The last poll's devices (at first: as the full scan read them).
    var devices: [PCIDevice]
    /// Each VF's `net/` listing of the last poll.
    var listings: [PCINetListing?]
    /// Each VF's interface flags of the last poll, and all of them by
    /// address (`PCIPollRecord`'s form), rebuilt only when one changed.
    var vfFlags: [[PCIPollRecord.Flag]]
    var flags: [String: [PCIPollRecord.Flag]] = [:]
    /// Each device's answer from the driver listings of `generation`
    /// (`PCIFactCache.boundDrivers`), and whether a VF bound so may have a
    /// netdev (`PCIProbe.vfMayHaveNetdev`).
    var drivers: (generation: Int, answers: [(answer: PCIBoundDrivers.Answer, netdev: Bool)])?
    /// How the last kept poll proved its devices' directories: by their
    /// parent's stamp, by their parent's listing, by their own `stat`.
    var proofs: (stamp: Int, listing: Int, ownStat: Int) = (0, 0, 0)

    /// `facts` in address order; `parents`: the stamps of the directories
    /// named by their resolved parents, by root-relative path.
    init(facts: [PCIFactCache.Facts], bus: PCIDirIdentity?, parents stamps: [String: PCIKeptParent]) {
        self.facts = facts
        self.bus = bus
        names = facts.map { $0.resolved?.name ?? $0.device.address }
        addresses = facts.map(\.device.address)
        identities = facts.map(\.identity)
        plainVF = facts.map { $0.isVF && $0.device.vendorID != "1af4" }
        var parents: [PCIKeptParent] = []
        var index: [String: Int] = [:]
        parentOf = facts.map { facts -> Int in
            guard let resolved = facts.resolved else { return -1 }
            if let known = index[resolved.parent] { return known }
            index[resolved.parent] = parents.count
            parents.append(stamps[resolved.parent] ?? PCIKeptParent(path: resolved.parent, stamp: nil, takenAt: 0))
            return parents.count - 1
        }
        self.parents = parents
        var children = Array(repeating: [Int](), count: parents.count)
        for (device, parent) in parentOf.enumerated() where parent >= 0 { children[parent].append(device) }
        self.children = children
        devices = facts.map(\.device)
        listings = Array(repeating: nil, count: facts.count)
        vfFlags = Array(repeating: [], count: facts.count)
    }

    /// The driver answers for `bound` (of `generation`), computed once per
    /// change of the listings.
    mutating func answers(_ bound: PCIBoundDrivers, generation: Int)
        -> [(answer: PCIBoundDrivers.Answer, netdev: Bool)] {
        if let drivers, drivers.generation == generation { return drivers.answers }
        let answers = facts.map { facts -> (answer: PCIBoundDrivers.Answer, netdev: Bool) in
            let answer = bound.driver(of: facts.device.address)
            if case .bound(let driver) = answer { return (answer, PCIProbe.vfMayHaveNetdev(driver: driver)) }
            return (answer, false)
        }
        drivers = (generation, answers)
        return answers
    }
}
