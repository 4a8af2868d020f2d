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

    /// Kept facts in address order, and the last poll's interface flags.
    private let kept = Mutex<[Facts]>([])
    private let polledFlags = Mutex<[String: [PCIPollRecord.Flag]]>([:])
    private let busIdentity = Mutex<PCIDirIdentity?>(nil)
    /// The VFs' `net/` listings of the last poll, by address.
    private let netListings = Mutex<[String: PCINetListing]>([:])
    /// The bus directory's last listing and its sorted names.
    private let busListing = Mutex<(listing: [UInt8], names: [String])?>(nil)
    /// The driver directories' last listings and the bindings they give.
    private let driverListings = Mutex<(listings: [UInt8], drivers: PCIBoundDrivers)?>(nil)

    public init() {}

    /// The kept facts of every listed device, in address order, or nil when
    /// any listed name is not kept or a kept one is not listed. Whether each
    /// directory is still the one read is for the caller to check
    /// (`PCIKeptRead`), when it opens it.
    func facts(for names: [String]) -> [Facts]? {
        kept.withLock { kept -> [Facts]? in
            guard !kept.isEmpty, kept.count == names.count else { return nil }
            // The listing is sorted as the kept facts are, so the usual
            // poll is an element-wise match, not a dictionary; by index, so
            // no device's facts are copied to compare its address.
            if kept.indices.allSatisfy({ kept[$0].device.address == names[$0] }) { return kept }
            var byAddress: [String: Facts] = [:]
            for facts in kept { byAddress[facts.device.address] = facts }
            var found: [Facts] = []
            found.reserveCapacity(names.count)
            for name in names {
                guard let facts = byAddress[name] else { return nil }
                found.append(facts)
            }
            return found.sorted { $0.device.address < $1.device.address }
        }
    }

    /// Replaces everything kept: devices gone from the bus are forgotten.
    /// `bus`: the bus directory's identity before the facts were read.
    func replace(with facts: [String: Facts], bus: PCIDirIdentity? = nil) {
        let ordered = facts.values.sorted { $0.device.address < $1.device.address }
        kept.withLock { $0 = ordered }
        netListings.withLock { $0 = [:] }
        busIdentity.withLock { $0 = bus }
    }

    /// The bus directory's identity when the kept facts were read: a link
    /// replaced in it (a captured tree's entry pointed elsewhere) moves its
    /// change time, and the kept facts' resolved directories are not used.
    func keptBusIdentity() -> PCIDirIdentity? {
        busIdentity.withLock { $0 }
    }

    /// The kept `net/` listings, handed to one reader at a time.
    func takeNetListings() -> [String: PCINetListing] {
        netListings.withLock { listings in
            defer { listings = [:] }
            return listings
        }
    }

    /// Keeps the `net/` listings of a poll read through kept facts.
    func keepNetListings(_ listings: [String: PCINetListing]) {
        netListings.withLock { $0 = listings }
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
    /// listings are byte for byte the same, else decoded afresh.
    func boundDrivers(ofListings listings: [UInt8]) -> PCIBoundDrivers {
        driverListings.withLock { kept in
            if let kept, kept.listings == listings { return kept.drivers }
            let drivers = PCIBoundDrivers(listings: listings)
            kept = (listings, drivers)
            return drivers
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
