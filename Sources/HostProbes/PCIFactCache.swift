import Synchronization
import TrackerCore

/// Per-device facts that cannot change while a device directory exists
/// (ids, class, names, NUMA node, IOMMU group, SR-IOV total, the `physfn`
/// link), kept between polls by a long-lived owner (the dashboard's
/// `SnapshotLoader`). A poll whose device directories all match a kept
/// identity skips libpci and re-reads only what can change: the driver
/// link, `sriov_numvfs`, network interfaces and the device list itself
/// (and, for VFs, their interfaces' `flags`, handed to the device-use
/// probe of the same poll through the loader's `PCIPollRecord`).
/// Any new, replaced or unlisted directory sends the poll down the full
/// scan, which refills the cache.
public final class PCIFactCache: Sendable {
    struct Facts: Sendable {
        var identity: PCIDirIdentity
        /// The device with its unchanging fields filled; the changing ones
        /// are overwritten on every poll.
        var device: PCIDevice
        var isVF: Bool
        /// The directory the bus entry links to, as a root-relative parent
        /// and a name, when resolving the link's text gives the very
        /// directory the link does (`identity`): the kept read then reaches
        /// the device through its parent, opened once per poll, instead of
        /// following the link for every file. nil: through the bus entry.
        var resolved: (parent: String, name: String)?
    }

    /// What the kept polls start from; nil until a full scan keeps facts.
    private let state = Mutex<PCIKeptState?>(nil)
    private let polledFlags = Mutex<[String: [PCIPollRecord.Flag]]>([:])
    /// The bus directory's last listing and its sorted names.
    private let busListing = Mutex<(listing: [UInt8], names: [String])?>(nil)
    /// The driver directories' last listings, the bindings they give, and
    /// a number that changes when they do.
    private let driverListings = Mutex<(listings: [UInt8], drivers: PCIBoundDrivers, generation: Int)?>(nil)
    /// The proof every parent gets regardless of its filesystem, and what
    /// runs between a kept poll's reads and its proofs (tests).
    let forcedCheck: PCIParentCheck?
    let afterReads: (@Sendable () -> Void)?
    /// How long a parent's stamp may stand for its devices' directories
    /// before they are each stat'ed again (`PCIKeptParent.proves`).
    let restatAfterNanoseconds: Int

    public init() {
        forcedCheck = nil
        afterReads = nil
        restatAfterNanoseconds = PCIKeptParent.restatNanoseconds
    }

    /// A cache whose kept polls prove device directories as `check` does,
    /// whatever filesystem the tree is on, and run `afterReads` between
    /// their reads and their proofs (tests of each proof).
    /// `restatAfter`: seconds, as `restatAfterNanoseconds`.
    init(forcing check: PCIParentCheck, afterReads: (@Sendable () -> Void)? = nil,
         restatAfter: Double = Double(PCIKeptParent.restatNanoseconds) / 1e9) {
        forcedCheck = check
        self.afterReads = afterReads
        restatAfterNanoseconds = Int(restatAfter * 1e9)
    }

    /// The kept state, handed to one reader, when every listed name is a
    /// kept device and every kept device is listed (`names` sorted as the
    /// kept facts are, so this is an element-wise match); nil otherwise.
    /// Whether each directory is still the one read is for the reader to
    /// check (`PCIKeptRead`); it hands the state back with `keep`, and a
    /// poll that does not is a full scan, which replaces it.
    func take(for names: [String]) -> PCIKeptState? {
        state.withLock { state -> PCIKeptState? in
            guard let kept = state, !kept.addresses.isEmpty, kept.addresses == names else { return nil }
            state = nil
            return kept
        }
    }

    /// Keeps the state a kept poll read through.
    func keep(_ kept: PCIKeptState) {
        state.withLock { $0 = kept }
    }

    /// Replaces everything kept: devices gone from the bus are forgotten.
    /// `bus`: the bus directory's identity before the facts were read;
    /// `parents`: the stamps of the facts' resolved parents, by path, taken
    /// before the facts were read.
    func replace(with facts: [String: Facts], bus: PCIDirIdentity? = nil, parents: [String: PCIKeptParent] = [:]) {
        let ordered = facts.values.sorted { $0.device.address < $1.device.address }
        state.withLock { $0 = ordered.isEmpty ? nil : PCIKeptState(facts: ordered, bus: bus, parents: parents) }
    }

    /// How the last kept poll proved its devices' directories (tests).
    func lastProofs() -> (stamp: Int, listing: Int, ownStat: Int)? {
        state.withLock { $0?.proofs }
    }

    /// The sorted names of the bus directory's `listing`: those of the last
    /// poll when the listing is byte for byte the same (same names in the
    /// same order), else decoded and sorted afresh.
    func busNames(ofListing listing: [UInt8]) -> [String] {
        busListing.withLock { kept in
            if let kept, kept.listing == listing { return kept.names }
            let names = SysfsReader.sortedNames(ofListing: listing)
            kept = (listing, names)
            return names
        }
    }

    /// The bindings of the driver directories' `listings`
    /// (`PCIBoundDrivers.listings`): those of the last poll when the
    /// listings are byte for byte the same, else decoded afresh; and a
    /// number that is the same exactly when the bindings are the last
    /// poll's.
    func boundDrivers(ofListings listings: [UInt8]) -> (drivers: PCIBoundDrivers, generation: Int) {
        driverListings.withLock { kept in
            if let kept, kept.listings == listings { return (kept.drivers, kept.generation) }
            let drivers = PCIBoundDrivers(listings: listings)
            let generation = (kept?.generation ?? 0) + 1
            kept = (listings, drivers, generation)
            return (drivers, generation)
        }
    }

    /// Sets the interface flags read by the last probe (empty after a full
    /// scan, which does not read them).
    func setPolledFlags(_ flags: [String: [PCIPollRecord.Flag]]) {
        polledFlags.withLock { $0 = flags }
    }

    /// The flags of the last probe, handed over once.
    func takePolledFlags() -> [String: [PCIPollRecord.Flag]] {
        polledFlags.withLock { flags in
            defer { flags = [:] }
            return flags
        }
    }
}
