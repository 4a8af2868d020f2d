import TrackerCore

/// Which driver each PCI device is bound to, from the listings of
/// `sys/bus/pci/drivers/*/`: the driver core makes a link named by the
/// device's address in its driver's directory when it binds the device,
/// and removes it on unbind, together with the device's own `driver` link.
/// A score of listings per poll then replaces a `readlink` of every
/// device's `driver` (thousands on an SR-IOV host).
///
/// Taken only from a tree whose every driver directory lists `bind`, as
/// the driver core makes each one: the live sysfs, a capture that recorded
/// the listings, the bench's root. A tree with bare driver directories
/// (older captures, hand-made roots) or none says nothing about bindings,
/// and each device's `driver` link is read as before.
///
/// A device listed under two drivers (a tree edited by hand, or captured
/// mid-rebind) reads its own `driver` link; a listed address not on the
/// bus is never looked up; a device in no listing is unbound.
struct PCIBoundDrivers: Sendable, Equatable {
    static let driversDir = "sys/bus/pci/drivers"

    /// Address → driver name, escaped as a `driver` link's name is.
    private(set) var byAddress: [String: String] = [:]
    /// Addresses listed under more than one driver.
    private(set) var ambiguous: Set<String> = []

    enum Answer: Equatable {
        case bound(String)
        case unbound
        /// Ask the device's `driver` link.
        case readLink
    }

    func driver(of address: String) -> Answer {
        if ambiguous.contains(address) { return .readLink }
        return byAddress[address].map(Answer.bound) ?? .unbound
    }

    /// The driver as the device's `driver` link would give it, read from
    /// the link only when the listings cannot say.
    func driver(of address: String, dir: String, reader: SysfsReader) -> String? {
        switch driver(of: address) {
        case .bound(let name): return name
        case .unbound: return nil
        case .readLink: return reader.linkBasename("\(dir)/driver").map(SafeText.escape)
        }
    }

    /// The listings of the tree's driver directories, each as
    /// `NAME/ENTRIES/` (entries as `SysfsReader.listing` gives them), or nil
    /// when the tree has no driver directories, one cannot be listed or
    /// lacks `bind` (see above).
    static func listings(_ reader: SysfsReader) -> [UInt8]? {
        guard let top = reader.listing(driversDir) else { return nil }
        var out: [UInt8] = []
        for name in top.split(separator: 0, omittingEmptySubsequences: true) {
            let driver = String(decoding: name, as: UTF8.self)
            guard let entries = reader.listing("\(driversDir)/\(driver)"), lists(entries, bindName) else { return nil }
            out.append(contentsOf: name)
            out.append(slash)
            out.append(contentsOf: entries)
            out.append(slash)
        }
        return out
    }

    private static let bindName = Array("bind".utf8)

    /// Whether the NUL-terminated names of `listing` include `name`, found
    /// in place: a driver's listing holds every device bound to it
    /// (thousands of VFs), read on every poll.
    static func lists(_ listing: [UInt8], _ name: [UInt8]) -> Bool {
        var start = 0
        while start < listing.count {
            var end = start
            while end < listing.count, listing[end] != 0 { end += 1 }
            if end - start == name.count, listing[start..<end].elementsEqual(name) { return true }
            start = end + 1
        }
        return false
    }
    private static let slash = UInt8(ascii: "/")

    /// The bindings of `listings` (`listings(_:)`'s form; names cannot hold
    /// a slash, so it splits them unambiguously).
    init(listings: [UInt8]) {
        var parts = listings.split(separator: Self.slash, omittingEmptySubsequences: false).makeIterator()
        while let name = parts.next(), let entries = parts.next() {
            let driver = SafeText.escape(String(decoding: name, as: UTF8.self))
            for entry in entries.split(separator: 0, omittingEmptySubsequences: true) {
                let address = String(decoding: entry, as: UTF8.self)
                guard PCIAddress.parse(address) != nil else { continue }
                if byAddress.updateValue(driver, forKey: address) != nil { ambiguous.insert(address) }
            }
        }
    }

    init() {}
}
