/// One entry of `pci_requests` with its alias resolved (Nova's
/// `InstancePCIRequest`): the device specs any of which a device may match,
/// how many devices, and the NUMA affinity policy.
struct ResolvedPCIRequest: Sendable {
    struct Spec: Sendable {
        var vendorID: String
        var productID: String
        var deviceType: PCIDeviceType?
        var physicalNetwork: String?

        func matches(_ d: PCIDevice) -> Bool {
            if let t = deviceType, d.devType != t { return false }
            guard Self.sameIgnoringCase(d.vendorID, vendorID), Self.sameIgnoringCase(d.productID, productID) else {
                return false
            }
            if let net = physicalNetwork {
                guard let own = d.physicalNetwork, Self.sameIgnoringCase(own, net) else { return false }
            }
            return true
        }

        /// ASCII case-insensitive equality without allocating (`lowered` is
        /// already lower case); runs once per device per fit.
        static func sameIgnoringCase(_ s: String, _ lowered: String) -> Bool {
            var a = s.utf8.makeIterator()
            var b = lowered.utf8.makeIterator()
            while true {
                switch (a.next(), b.next()) {
                case (nil, nil): return true
                case (let x?, let y?):
                    let lx = x >= 65 && x <= 90 ? x + 32 : x
                    if lx != y { return false }
                default: return false
                }
            }
        }
    }

    /// "alias 'gpu'" or "request 2 (10de:2330)", for reasons.
    var label: String
    var count: Int
    var specs: [Spec]
    var policy: PCINUMAPolicy
    /// Nova hands out PFs only to a request that names `type-PF`.
    var takesPFs: Bool

    func matches(_ d: PCIDevice) -> Bool {
        if d.devType == .pf && !takesPFs { return false }
        return specs.contains { $0.matches(d) }
    }

    /// Resolves every request against the host's aliases with Nova's alias
    /// rules (`get_alias_from_config`): vendor and product ids of four hex
    /// digits, and entries sharing a name must agree on device type and NUMA
    /// policy. Like Nova, a bad alias makes every PCI request invalid.
    static func resolve(_ requests: [PCIRequestSpec], aliases: [PCIAlias]) throws(InvalidRequest) -> [ResolvedPCIRequest] {
        guard !requests.isEmpty else { return [] }
        var byName: [String: (policy: PCINUMAPolicy, specs: [Spec], type: PCIDeviceType?)] = [:]
        for alias in aliases {
            let name = alias.name.trimmingSpaces
            let spec = try spec(vendor: alias.vendorID, product: alias.productID, type: alias.deviceType,
                                physnet: nil, what: "PCI alias \(QuotedValue.quote(name))")
            let policy = alias.numaPolicy ?? .legacy
            if var entry = byName[name] {
                guard entry.policy == policy else {
                    throw InvalidRequest("PCI alias \(QuotedValue.quote(name)) is defined twice with different numa_policy")
                }
                // Nova compares the device types of entries sharing a name
                // and fails when either lacks one.
                guard let t = alias.deviceType, let first = entry.type, t == first else {
                    throw InvalidRequest("PCI alias \(QuotedValue.quote(name)) is defined more than once without one common device_type")
                }
                entry.specs.append(spec)
                byName[name] = entry
            } else {
                byName[name] = (policy, [spec], alias.deviceType)
            }
        }
        var out: [ResolvedPCIRequest] = []
        for (i, r) in requests.enumerated() {
            guard r.count >= 1 else { throw InvalidRequest("pci_requests[\(i)] asks for \(r.count) devices") }
            if let aliasName = r.alias {
                let name = aliasName.trimmingSpaces
                guard let entry = byName[name] else {
                    throw InvalidRequest("PCI alias \(QuotedValue.quote(name)) is not defined on this host")
                }
                out.append(ResolvedPCIRequest(
                    label: "alias \(QuotedValue.quote(name))", count: r.count, specs: entry.specs, policy: r.numaPolicy ?? entry.policy,
                    takesPFs: entry.specs.contains { $0.deviceType == .pf }))
            } else {
                guard r.vendorID != nil || r.productID != nil else {
                    throw InvalidRequest("pci_requests[\(i)] names neither an alias nor vendor_id/product_id")
                }
                let s = try spec(vendor: r.vendorID, product: r.productID, type: r.deviceType,
                                 physnet: r.physicalNetwork, what: "pci_requests[\(i)]")
                out.append(ResolvedPCIRequest(
                    label: "pci_requests[\(i)] (\(s.vendorID):\(s.productID))", count: r.count, specs: [s],
                    policy: r.numaPolicy ?? .legacy, takesPFs: s.deviceType == .pf))
            }
        }
        return out
    }

    /// `what` names the entry in an error only, so it is built only then.
    private static func spec(vendor: String?, product: String?, type: PCIDeviceType?, physnet: String?,
                             what: @autoclosure () -> String) throws(InvalidRequest) -> Spec {
        guard let vendor, let product else {
            throw InvalidRequest("\(what()) needs both vendor_id and product_id")
        }
        if !isPCIID(vendor) { throw InvalidRequest("\(what()): vendor_id \(QuotedValue.quote(vendor)) is not four hex digits") }
        if !isPCIID(product) { throw InvalidRequest("\(what()): product_id \(QuotedValue.quote(product)) is not four hex digits") }
        return Spec(vendorID: vendor.lowercased(), productID: product.lowercased(), deviceType: type,
                    physicalNetwork: physnet?.lowercased())
    }

    /// Four ASCII hex digits, checked on the bytes (no grapheme breaking).
    private static func isPCIID(_ s: String) -> Bool {
        s.utf8.count == 4 && s.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
        }
    }
}
