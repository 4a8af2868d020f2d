import TrackerCore

/// PCI devices: identity, class and names from libpci (via its
/// `sysfs.path` parameter, so a captured tree works), the rest from sysfs
/// through the reader: NUMA node, SR-IOV counts and links, bound driver,
/// IOMMU group and network interfaces. libpci has no SR-IOV API.
public enum PCIProbe {
    static let busDir = "sys/bus/pci/devices"

    /// `cache`: the facts kept from earlier polls by a long-lived owner;
    /// nil for a one-shot probe, which reads everything.
    public static func probe(_ reader: SysfsReader, idsPath: String?, warnings: inout ProbeWarnings,
                             cache: PCIFactCache? = nil) -> [PCIDevice] {
        cache?.setPolledFlags([:])
        // A tree without a PCI bus (many captures drop it) has no devices;
        // that is not a problem worth a warning.
        // A kept cache decodes and sorts the bus listing only when it
        // changed; thousands of names per poll otherwise.
        let listed: [String]?
        if let cache {
            listed = reader.listing(busDir).map(cache.busNames(ofListing:))
        } else {
            listed = reader.list(busDir)
        }
        guard let dirNames = listed else {
            cache?.replace(with: [:])
            return []
        }
        // Bindings from the driver directories where the tree has them as
        // the kernel makes them; else each device's `driver` link.
        let bound = PCIBoundDrivers.listings(reader).map { listings in
            cache?.boundDrivers(ofListings: listings) ?? (drivers: PCIBoundDrivers(listings: listings), generation: 0)
        }
        if let cache, var kept = cache.take(for: dirNames) {
            if let devices = PCIKeptRead.devices(&kept, reader: reader, bound: bound, forcedCheck: cache.forcedCheck,
                                                 restatAfter: cache.restatAfterNanoseconds,
                                                 afterReads: cache.afterReads, warnings: &warnings) {
                cache.keep(kept)
                cache.setPolledFlags(kept.flags)
                return devices
            }
        }
        // Taken before anything is read: a directory replaced during the
        // scan is then a miss next poll, never stale facts under its new
        // identity. So are the stamps of the directories holding them
        // (`PCIKeptParent`), each when first met.
        var identities: [String: PCIDirIdentity] = [:]
        var resolved: [String: (parent: String, name: String)] = [:]
        var parents: [String: PCIKeptParent] = [:]
        let busIdentity = cache == nil ? nil : PCIDirIdentity(path: reader.path(busDir))
        if cache != nil {
            for name in dirNames {
                let identity = PCIDirIdentity(path: reader.path("\(busDir)/\(name)"))
                identities[name] = identity
                if let identity, let found = resolvedDirectory(name, identity: identity, reader: reader) {
                    resolved[name] = found
                    if parents[found.parent] == nil {
                        parents[found.parent] = PCIKeptParent(path: found.parent, absolute: reader.path(found.parent))
                    }
                }
            }
        }
        var keep = cache != nil
        // libpci opens a device's files itself, blocking: a FIFO among them
        // in a captured tree would hang the scan. Such a tree is read
        // through the reader instead, which refuses the FIFO with a warning.
        if !reader.isLive, let (file, kind) = specialFile(dirNames, reader) {
            warnings.add(file: reader.path(file), problem: "is \(kind), not a regular file",
                         assumed: "libpci cannot scan the tree safely; devices read directly")
            cache?.replace(with: [:])
            return inAddressOrder(sysfsEntries(dirNames, reader: reader, idsPath: idsPath, warnings: &warnings))
                .map { device($0, reader: reader, idsPath: idsPath, bound: bound?.drivers, warnings: &warnings).device }
        }
        let scan = LibPCI.scan(sysfsBusPath: reader.path("sys/bus/pci"), idsPath: idsPath)
        for message in scan.libraryWarnings {
            warnings.add("libpci: \(message).")
            keep = false
        }
        var entries = scan.entries
        if let fatal = scan.fatal {
            warnings.add(file: reader.path(busDir), problem: "could not be scanned by libpci (\(fatal))",
                         assumed: "the devices its entries describe, read directly")
            entries = sysfsEntries(dirNames, reader: reader, idsPath: idsPath, warnings: &warnings)
            keep = false
        }
        var devices: [PCIDevice] = []
        var facts: [String: PCIFactCache.Facts] = [:]
        // Address order, so warnings come out in the same order every run.
        for entry in inAddressOrder(entries) {
            let before = warnings.sentences.count
            let read = device(entry, reader: reader, idsPath: idsPath, bound: bound?.drivers, warnings: &warnings)
            devices.append(read.device)
            // Only a device read without a problem is kept: one with a
            // warning is read again next poll, so its warning is repeated.
            if keep, entry.fillError == nil, warnings.sentences.count == before,
               let identity = identities[read.device.address] {
                facts[read.device.address] = PCIFactCache.Facts(identity: identity, device: read.device,
                                                                isVF: read.isVF, resolved: resolved[read.device.address])
            }
        }
        cache?.replace(with: keep ? facts : [:], bus: busIdentity, parents: parents)
        return devices
    }

    /// The directory the bus entry `name` links to, as its root-relative
    /// parent and name, when resolving the link's text within the root
    /// gives a directory of the same `identity` (so no component of the
    /// text is a link that resolving by name would miss); nil otherwise.
    private static func resolvedDirectory(_ name: String, identity: PCIDirIdentity, reader: SysfsReader)
        -> (parent: String, name: String)? {
        let entry = "\(busDir)/\(name)"
        guard let text = reader.linkTarget(entry), !text.hasPrefix("/"),
              let path = HostCapture.Writer.resolve(text, from: entry),
              let slash = path.lastIndex(of: "/"),
              PCIDirIdentity(path: reader.path(path)) == identity else { return nil }
        let leaf = String(path[path.index(after: slash)...])
        guard !leaf.isEmpty, leaf != ".", leaf != ".." else { return nil }
        return (String(path[..<slash]), leaf)
    }

    /// `entries` sorted by address text. `Entry.address` formats a new
    /// String on every call; formatted once per entry, not once per
    /// comparison (2 × n log n of them for thousands of VFs).
    private static func inAddressOrder(_ entries: [LibPCI.Entry]) -> [LibPCI.Entry] {
        entries.map { (key: $0.address, entry: $0) }.sorted { $0.key < $1.key }.map(\.entry)
    }

    /// The first file in a device directory that is not a regular file or
    /// directory, and its kind.
    private static func specialFile(_ names: [String], _ reader: SysfsReader) -> (String, String)? {
        for name in names {
            let dir = "\(busDir)/\(name)"
            for entry in reader.list(dir) ?? [] {
                if let kind = reader.specialFileKind("\(dir)/\(entry)") { return ("\(dir)/\(entry)", kind) }
            }
        }
        return nil
    }

    /// The fallback when libpci cannot scan: each `DDDD:BB:SS.F` entry with
    /// readable `vendor` and `device` files.
    private static func sysfsEntries(_ names: [String], reader: SysfsReader, idsPath: String?,
                                     warnings: inout ProbeWarnings) -> [LibPCI.Entry] {
        let values = SysfsValues(reader: reader)
        var entries: [LibPCI.Entry] = []
        for name in names {
            guard let a = PCIAddress.parse(name) else {
                warnings.add(file: reader.path("\(busDir)/\(name)"), problem: "is not a PCI address",
                             assumed: "it is not a device")
                continue
            }
            let dir = "\(busDir)/\(name)"
            guard let vendor = values.hex("\(dir)/vendor", warnings: &warnings, assumed: "the device is unusable"),
                  let device = values.hex("\(dir)/device", warnings: &warnings, assumed: "the device is unusable")
            else {
                warnings.add(file: reader.path(dir), problem: "has no readable vendor and device ids",
                             assumed: "it is not a device")
                continue
            }
            var e = LibPCI.Entry(domain: a.domain, bus: a.bus, slot: a.slot, function: a.function,
                                 vendor: vendor, device: device)
            e.deviceClass = values.hex("\(dir)/class", warnings: &warnings, assumed: "the device has no class")
                .map { $0 >> 8 }
            if e.deviceClass == nil, !reader.exists("\(dir)/class") {
                warnings.add(file: reader.path("\(dir)/class"), problem: "is missing", assumed: "the device has no class")
            }
            let names = LibPCI.names(vendor: vendor, device: device, deviceClass: e.deviceClass, idsPath: idsPath)
            e.vendorName = names.vendor
            e.deviceName = names.device
            e.className = names.className
            entries.append(e)
        }
        return entries
    }

    /// The device and whether it is a VF (its `physfn` link, which cannot
    /// change while the directory exists).
    private static func device(_ e: LibPCI.Entry, reader: SysfsReader, idsPath: String?, bound: PCIBoundDrivers?,
                               warnings: inout ProbeWarnings) -> (device: PCIDevice, isVF: Bool) {
        let values = SysfsValues(reader: reader)
        let dir = "\(busDir)/\(e.address)"
        var e = e
        if e.fillError != nil {
            // libpci gives up on a device at its first missing file, leaving
            // the rest unread; read the identity here, file by file.
            e = refill(e, dir: dir, reader: reader, idsPath: idsPath, warnings: &warnings)
        }
        // libpci reads a garbled numa_node as 0; read it here so garbage
        // becomes "no locality" and a warning instead.
        let numa = values.int("\(dir)/numa_node", warnings: &warnings, assumed: "the device reports no NUMA node")
        var dev = PCIDevice(address: e.address, vendorID: PCIAddress.hex4(e.vendor),
                            productID: PCIAddress.hex4(e.device),
                            numaNode: numa.flatMap { $0 >= 0 ? $0 : nil },
                            status: e.identityKnown ? .available : .unclaimable)
        dev.classCode = e.deviceClass.map(PCIAddress.hex4)
        dev.className = e.className
        dev.vendorName = e.vendorName
        dev.deviceName = e.deviceName
        dev.subsystemVendorID = e.subsystemVendor.map(PCIAddress.hex4)
        dev.subsystemDeviceID = e.subsystemDevice.map(PCIAddress.hex4)
        dev.subsystemName = e.subsystemName
        // The directory's names, listed once: a file it does not list is not
        // opened (a VF has no sriov_* files, a vfio-bound one no net/), which
        // on a host of thousands of VFs is most of the failed opens of a
        // poll. Unlistable: every file is tried, as before.
        let listed = reader.list(dir)
        let names = listed.map(Set.init)
        func has(_ name: String) -> Bool { names?.contains(name) ?? true }
        if let group = reader.linkBasename("\(dir)/iommu_group") {
            dev.iommuGroup = Int(group)
        }
        if has("sriov_totalvfs") {
            dev.sriovTotalVFs = values.count("\(dir)/sriov_totalvfs", warnings: &warnings, assumed: "the device has no SR-IOV")
        }
        var isVF = false
        if has("physfn"), reader.exists("\(dir)/physfn") {
            if let parent = reader.linkBasename("\(dir)/physfn"), PCIAddress.parse(parent) != nil {
                isVF = true
                dev.parentAddr = parent
            } else {
                warnings.add(file: reader.path("\(dir)/physfn"), problem: "does not link to a PCI address",
                             assumed: "the device is not a VF")
            }
        }
        readChanging(&dev, isVF: isVF, dir: dir, listed: listed, reader: reader, bound: bound, warnings: &warnings)
        return (dev, isVF)
    }

    /// The facts that change while the device exists, read on every poll:
    /// bound driver, network interfaces, enabled VFs and so whether a
    /// non-VF is a PF. `listed`: the directory's names, nil if unlistable
    /// or not listed. `bound`: the driver directories' bindings, when the
    /// tree has them (`PCIBoundDrivers`).
    static func readChanging(_ dev: inout PCIDevice, isVF: Bool, dir: String, listed: [String]?,
                             reader: SysfsReader, bound: PCIBoundDrivers?, warnings: inout ProbeWarnings) {
        if let bound {
            dev.driver = bound.driver(of: dev.address, dir: dir, reader: reader)
        } else {
            dev.driver = reader.linkBasename("\(dir)/driver").map(SafeText.escape)
        }
        let interfaces = isVF && !vfMayHaveNetdev(driver: dev.driver)
            ? [] : interfaceNames(dir: dir, children: listed, reader: reader)
        dev.netInterfaces = interfaces.isEmpty ? nil : interfaces
        dev.sriovNumVFs = nil
        // A VF cannot have VFs: no sriov_numvfs, no virtfn links.
        if isVF {
            dev.devType = .vf
            return
        }
        if listed?.contains("sriov_numvfs") ?? true {
            dev.sriovNumVFs = SysfsValues(reader: reader).count("\(dir)/sriov_numvfs", warnings: &warnings,
                                                                assumed: "no VFs are enabled")
        }
        let hasVirtfn = (listed ?? []).contains { $0.hasPrefix("virtfn") && Int($0.dropFirst(6)) != nil }
        dev.devType = (dev.sriovTotalVFs ?? 0) > 0 || hasVirtfn ? .pf : .pci
    }

    /// Whether a VF bound to `driver` can have a network interface. The
    /// kernel registers a netdev in the probe of the network driver bound
    /// to the device and unregisters it on unbind; vfio-pci (and its vendor
    /// variants) and pci-stub register none, and an unbound device has no
    /// driver to register one. So such a VF's `net/` is not listed: on a
    /// host of thousands of VFs given to guests that is a failed lookup per
    /// VF per poll. A captured tree is copied by `restrack capture` from a
    /// real host's sysfs, so it cannot hold one either; a hand-made tree
    /// with a `net/` under a passthrough or unbound VF shows no interface.
    static func vfMayHaveNetdev(driver: String?) -> Bool {
        guard let driver else { return false }
        return !DeviceUseProbe.isPassthrough(driver)
    }

    /// Vendor, device and class of a device libpci could not fill, from
    /// sysfs. Without vendor and device ids the device is listed (it exists)
    /// but unclaimable: nothing can ask for it by id.
    private static func refill(_ entry: LibPCI.Entry, dir: String, reader: SysfsReader, idsPath: String?,
                               warnings: inout ProbeWarnings) -> LibPCI.Entry {
        let values = SysfsValues(reader: reader)
        var e = entry
        let vendor = values.hex("\(dir)/vendor", warnings: &warnings, assumed: "the device's ids are unknown")
        let device = values.hex("\(dir)/device", warnings: &warnings, assumed: "the device's ids are unknown")
        if let vendor, let device {
            e.vendor = vendor
            e.device = device
        } else {
            e.vendor = 0
            e.device = 0
            e.identityKnown = false
            warnings.add(file: reader.path(dir), problem: "has no readable vendor and device ids",
                         assumed: "ids 0000:0000 and status unclaimable")
        }
        e.deviceClass = values.hex("\(dir)/class", warnings: &warnings, assumed: "the device has no class").map { $0 >> 8 }
        if e.deviceClass == nil, !reader.exists("\(dir)/class") {
            warnings.add(file: reader.path("\(dir)/class"), problem: "is missing", assumed: "the device has no class")
        }
        e.subsystemVendor = nil
        e.subsystemDevice = nil
        e.subsystemName = nil
        let names = LibPCI.names(vendor: e.vendor, device: e.device, deviceClass: e.deviceClass, idsPath: idsPath)
        e.vendorName = e.identityKnown ? names.vendor : nil
        e.deviceName = e.identityKnown ? names.device : nil
        e.className = names.className
        return e
    }

    /// Interface names under `net/`, and under a `virtioN/net/` child (a
    /// virtio NIC's interface hangs off the virtio device, not the PCI one).
    /// Names are bytes in the kernel; non-UTF-8 ones are escaped, not lost.
    /// `children`: the device directory's names, when it could be listed.
    private static func interfaceNames(dir: String, children: [String]?, reader: SysfsReader) -> [String] {
        var raw = children.map { $0.contains("net") } ?? true ? reader.listRaw("\(dir)/net") ?? [] : []
        for child in children ?? [] where child.hasPrefix("virtio") && Int(child.dropFirst(6)) != nil {
            raw += reader.listRaw("\(dir)/\(child)/net") ?? []
        }
        return raw.map(SafeText.decode)
    }
}
