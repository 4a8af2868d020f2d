import TrackerCore

/// One `[pci] device_spec` entry (Nova's `passthrough_whitelist` /
/// `PciDeviceSpec`): which devices are tracked, and the physical network
/// they give. Matching follows Nova's meaning:
/// - `vendor_id` / `product_id`: hex ids, `*` or absent matches any;
/// - `address`: `[[[domain]:]bus]:][slot][.[function]]` with `*` wildcards
///   per field, or an object `{"domain","bus","slot","function"}` of regular
///   expressions; a spec naming a PF's address also matches its VFs;
/// - `devname`: a network interface name; it matches the device that has
///   that interface and, when that is a PF, its VFs.
public struct PCIDeviceSpec: Sendable, Hashable {
    public var vendorID: String?
    public var productID: String?
    public var address: AddressPattern?
    public var devname: String?
    public var physicalNetwork: String?
    /// `resource_class`: the Placement resource class matching devices are
    /// published as (Nova's PCI-in-Placement tag); nil: derived from the ids.
    public var resourceClass: String?

    public enum AddressPattern: Sendable, Hashable {
        /// Glob fields; nil means any.
        case glob(domain: String?, bus: String?, slot: String?, function: String?)
        /// Regular-expression fields; nil means any.
        case regex(domain: String?, bus: String?, slot: String?, function: String?)
    }

    public init(vendorID: String? = nil, productID: String? = nil, address: AddressPattern? = nil,
                devname: String? = nil, physicalNetwork: String? = nil, resourceClass: String? = nil) {
        self.vendorID = vendorID
        self.productID = productID
        self.address = address
        self.devname = devname
        self.physicalNetwork = physicalNetwork
        self.resourceClass = resourceClass
    }

    /// Whether `device` matches; `parent` is its PF for a VF.
    public func matches(_ device: PCIDevice, parent: PCIDevice?) -> Bool {
        if let v = vendorID, v != "*", v.lowercased() != device.vendorID { return false }
        if let p = productID, p != "*", p.lowercased() != device.productID { return false }
        if let address {
            let own = Self.match(address, device.address)
            let viaParent = parent.map { Self.match(address, $0.address) } ?? false
            if !own && !viaParent { return false }
        }
        if let devname {
            let own = device.netInterfaces?.contains(devname) ?? false
            let viaParent = parent?.netInterfaces?.contains(devname) ?? false
            if !own && !viaParent { return false }
        }
        return true
    }

    private static func match(_ pattern: AddressPattern, _ address: String) -> Bool {
        guard let a = PCIAddress.parse(address) else { return false }
        let fields = [a.domain, a.bus, a.slot, a.function]
        switch pattern {
        case let .glob(domain, bus, slot, function):
            for (pat, value) in zip([domain, bus, slot, function], fields) {
                guard let pat, pat != "*" else { continue }
                guard let want = Int(pat, radix: 16), want == value else { return false }
            }
            return true
        case let .regex(domain, bus, slot, function):
            let texts = [PCIAddress.hex4(a.domain), hex2(a.bus), hex2(a.slot), String(a.function)]
            for (pat, text) in zip([domain, bus, slot, function], texts) {
                guard let pat else { continue }
                guard let regex = try? Regex(pat), (try? regex.wholeMatch(in: text)) != nil else { return false }
            }
            return true
        }
    }

    private static func hex2(_ v: Int) -> String {
        let s = String(v, radix: 16)
        return s.count < 2 ? "0" + s : s
    }

    /// Parses the glob form of an address, as Nova's `PhysicalPciAddress`
    /// and `PciAddressGlobSpec` do: `bus:slot.func`, `domain:bus:slot.func`,
    /// any part may be `*` or left out.
    static func parseGlob(_ text: String) -> AddressPattern? {
        var rest = Substring(text)
        var function: String?
        if let dot = rest.lastIndex(of: ".") {
            function = String(rest[rest.index(after: dot)...])
            rest = rest[..<dot]
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 3 else { return nil }
        var domain: String?, bus: String?, slot: String?
        switch parts.count {
        case 3: domain = parts[0]; bus = parts[1]; slot = parts[2]
        case 2: bus = parts[0]; slot = parts[1]
        default: slot = parts[0]
        }
        let all = [domain, bus, slot, function].map { $0.flatMap { $0.isEmpty ? nil : $0 } }
        for part in all {
            guard let part, part != "*" else { continue }
            guard Int(part, radix: 16) != nil else { return nil }
        }
        return .glob(domain: all[0], bus: all[1], slot: all[2], function: all[3])
    }
}
