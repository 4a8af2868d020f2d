import TrackerCore

/// What the host shows of each PCI device's use, read on every poll (the
/// mount table and the disks behind controllers only when they changed,
/// see `MountTableCache`): bound
/// driver, network interfaces up or addressed, the processes holding its
/// VFIO group open, and whether the device backs the host. Host-owned, with
/// the sentence an operator reads in `DeviceUse.hostReason`:
/// - a controller of disks that are mounted, swap, or under a dm/md device
///   that is ("disk controller of vda, vda1 mounted at /");
/// - a NIC with an interface up or addressed ("network interface eth0 is up"),
///   a VF included: a VF whose netdev is down is free;
/// - a bridge (class 06): the devices behind it depend on it;
/// - the display: class 03 with `boot_vga` 1 or a DRM card, unless bound to
///   a passthrough driver (the operator gave it away on purpose).
///
/// Holders: one `host` holder per host-owned device (`host:ADDRESS`, named
/// by the reason) and one `kernel` holder per process holding a VFIO group
/// (`pid:N`, the id the task scan uses for the same process, so the core's
/// merge by id gives one holder with its CPUs and its devices).
///
/// Nothing read can stop the probe: a missing, special or garbled file, a
/// device or process gone mid-scan, becomes a note in `notVisible` and a
/// neutral value that never shows a device in use as free.
struct DeviceUseProbe: Sendable {
    let root: String?
    /// VFIO scan results between polls of the observer that keeps this probe.
    let vfioCache: VFIOScanCache
    /// Devices' IOMMU groups between polls, where a root has no group directories.
    let groupCache: IOMMUGroupCache
    /// The mount table and block-device scan between polls.
    let mountCache: MountTableCache

    /// The loader's read of the same poll, when the observer has one.
    let pciRecord: PCIPollRecord?

    init(root: String?, vfioCache: VFIOScanCache = VFIOScanCache(), groupCache: IOMMUGroupCache = IOMMUGroupCache(),
         mountCache: MountTableCache = MountTableCache(), pciRecord: PCIPollRecord? = nil) {
        self.root = root
        self.vfioCache = vfioCache
        self.groupCache = groupCache
        self.mountCache = mountCache
        self.pciRecord = pciRecord
    }

    struct Result: Sendable {
        var devices: [String: DeviceUse] = [:]
        /// `host` holders for devices in active use by the host, and
        /// process holders of VFIO groups.
        var holders: [Holder] = []
        var notVisible: [String] = []
    }

    static let busDir = "sys/bus/pci/devices"

    func observe(snapshot: HostSnapshot) -> Result {
        let files = DeviceUseFiles(root: root)
        var result = Result()
        result.devices.reserveCapacity(snapshot.pciDevices.count)
        var notes: [String] = []
        let mounts = mountCache.read(files, notes: &notes).table
        let addresses = InterfaceAddresses.read(files, notes: &notes)
        // By index, as below: a key path's map copied each device whole.
        var wanted = Set<String>(minimumCapacity: snapshot.pciDevices.count)
        for index in snapshot.pciDevices.indices { wanted.insert(snapshot.pciDevices[index].address) }
        let blocks = mountCache.blocks(files, mounts: mounts, wanted: wanted)

        // When the snapshot is the loader's own fresh read, its devices'
        // drivers and interface names are this poll's, and the record has
        // the flags of the interfaces the loader read.
        let flags = pciRecord?.fresh(matching: snapshot.pciDevices)
        let fresh = flags != nil
        var vfioBound: [String] = []
        var hostOwned: [String] = []
        // By index: each device is passed borrowed, not copied (thousands
        // of them, each a dozen strings).
        for index in snapshot.pciDevices.indices {
            let known = fresh && snapshot.pciDevices[index].netInterfaces != nil
                ? flags?[snapshot.pciDevices[index].address] ?? [] : []
            guard let use = use(of: snapshot.pciDevices[index], fresh: fresh, flags: known, files: files,
                                blocks: blocks, addresses: addresses, notes: &notes) else {
                continue
            }
            if let driver = use.driver, Self.isVFIO(driver) { vfioBound.append(use.address) }
            if use.hostReason != nil { hostOwned.append(use.address) }
            result.devices[use.address] = use
        }
        if let why = blocks.unreadable { notes.append("\(why): disks behind controllers are not seen") }
        if blocks.neededMounts, let why = mounts.problem { notes.append(why) }

        // Groups only matter when something is bound to VFIO; the fd scan
        // is the one expensive read, so it is skipped on hosts without.
        if !vfioBound.isEmpty {
            applyVFIOUsers(files: files, vfioBound: vfioBound, snapshot: fresh ? snapshot : nil, result: &result,
                           notes: &notes)
        }

        // In address order, each once; a snapshot lists its devices in
        // that order already.
        if !zip(hostOwned, hostOwned.dropFirst()).allSatisfy({ $0 < $1 }) { hostOwned.sort() }
        var previous: String?
        for address in hostOwned where address != previous {
            previous = address
            guard let reason = result.devices[address]?.hostReason else { continue }
            result.holders.append(Holder(kind: .host, id: "host:\(address)", name: reason, pciDevices: [address]))
        }
        result.notVisible = notes
        return result
    }

    /// One device's driver, interfaces and host reason; nil when it left
    /// since the snapshot (VFs disabled, hot unplug): its use is unknown,
    /// and the next snapshot drops it.
    /// `fresh`: the device is as the loader read it from sysfs in this
    /// poll; its driver and interface names are taken as they are when
    /// they are plain names (nothing the snapshot's escaping could have
    /// changed).
    /// `flags`: its interfaces' flags as the loader read them in this poll.
    private func use(of device: PCIDevice, fresh: Bool, flags: [PCIPollRecord.Flag], files: DeviceUseFiles,
                     blocks: BlockDeviceScan, addresses: InterfaceAddresses, notes: inout [String]) -> DeviceUse? {
        // Built only when a file of the device is read: a VF given to a
        // guest needs none, thousands of them per poll.
        lazy var dir = Array(Self.busDir.utf8).slash(device.address)
        // A bound driver proves the device is there (read now, or by the
        // snapshot of this poll); only unbound ones cost a second look.
        let driver: String?
        if fresh, let known = device.driver, Self.isPlainName(known) {
            driver = known
        } else {
            driver = files.linkBasename(Self.busDir + "/" + device.address + "/driver")
        }
        guard driver != nil || files.exists(dir.slash("vendor")) else {
            notes.append("PCI \(device.address): \(files.display(dir)) is gone since the snapshot; its use is not known")
            return nil
        }
        var use = DeviceUse(address: device.address, driver: driver)
        let passthrough = driver.map(Self.isPassthrough) ?? false
        var reasons: [String] = []
        if let disks = blocks.disks[device.address], !disks.isEmpty {
            reasons.append(Self.diskReason(disks))
        } else if blocks.unreadable != nil, !passthrough, driver != nil, Self.classBase(device, files: files) == 0x01 {
            reasons.append("disk controller whose disks cannot be seen")
        }
        // A device given to VFIO or pci-stub has no netdev, and a display
        // bound there was given away on purpose.
        if !passthrough {
            // The snapshot listed net/ in this poll; a virtio NIC's names
            // hang off a child directory it does not say, so it is listed.
            let interfaces: [NetInterfaceScan.Interface]
            if device.devType == .vf, driver == nil {
                // An unbound VF has no netdev (`PCIProbe.vfMayHaveNetdev`):
                // the snapshot does not list its net/ either.
                interfaces = []
            } else if fresh, device.vendorID != "1af4",
                      Self.allDownWithoutAddresses(device.netInterfaces ?? [], flags: flags, addresses: addresses) {
                // What the interfaces below would say: each one down, with
                // no problem and no address, so neither up nor a reason.
                interfaces = []
            } else if fresh, device.vendorID != "1af4", let names = Self.plainNames(device.netInterfaces ?? []) {
                interfaces = NetInterfaceScan.interfaces(deviceDir: dir, named: names, known: flags, files: files)
            } else {
                interfaces = NetInterfaceScan.interfaces(deviceDir: dir, listVirtioChildren: device.vendorID == "1af4",
                                                         files: files)
            }
            use.netdevUp = interfaces.contains { $0.state == .up }
            if let reason = Self.networkReason(interfaces, addresses: addresses, notes: &notes, address: device.address) {
                reasons.append(reason)
            }
            if let reason = Self.displayReason(device, dir: dir, files: files) { reasons.append(reason) }
            if let reason = Self.bridgeReason(device, files: files) { reasons.append(reason) }
        }
        if !reasons.isEmpty { use.hostReason = reasons.joined(separator: "; ") }
        return use
    }

    /// Processes holding the VFIO groups (or device files) of the devices
    /// bound to a VFIO driver: `DeviceUse.vfioUsers` and one `kernel`
    /// holder per process.
    /// `snapshot`: the loader's fresh read of this poll, when it is one.
    private func applyVFIOUsers(files: DeviceUseFiles, vfioBound: [String], snapshot: HostSnapshot?,
                                result: inout Result, notes: inout [String]) {
        let scan = VFIOUserScan.scan(files, cache: vfioCache)
        notes += scan.notes
        var heldGroups: Set<Int> = []
        var heldCdevs = false
        for user in scan.users {
            for target in user.targets {
                switch target {
                case .group(let g): heldGroups.insert(g)
                case .device: heldCdevs = true
                }
            }
        }
        // Which device each VFIO cdev is, only when a process holds one:
        // it is a directory read per VFIO-bound device, thousands per poll
        // on an SR-IOV host whose guests hold groups.
        var cdevs: [String: String] = [:]
        if heldCdevs {
            for address in vfioBound {
                for entry in files.list(Self.busDir + "/" + address + "/vfio-dev", limit: 16) ?? [] {
                    cdevs[SafeText.decode(entry)] = address
                }
            }
        }
        let membersByGroup = groupMembers(heldGroups, files: files, observed: result.devices, read: snapshot)
        for user in scan.users.sorted(by: { $0.pid < $1.pid }) {
            var held: Set<String> = []
            for target in user.targets {
                switch target {
                case .group(let g): held.formUnion(membersByGroup[g] ?? [])
                case .device(let name): if let a = cdevs[name] { held.insert(a) }
                }
            }
            guard !held.isEmpty else { continue }
            let ref = ProcessRef(pid: user.pid, comm: user.comm)
            for address in held { result.devices[address]?.vfioUsers.append(ref) }
            result.holders.append(Holder(kind: .kernel, id: "pid:\(user.pid)", name: user.comm, pid: user.pid,
                                         comm: user.comm, pciDevices: held.sorted()))
        }
        if !scan.unreadablePids.isEmpty {
            let shown = scan.unreadablePids.prefix(5).map(String.init).joined(separator: ", ")
            let more = scan.unreadablePids.count > 5 ? " and \(scan.unreadablePids.count - 5) more" : ""
            let why = "the open files of pid \(shown)\(more) cannot be read"
            notes.append("\(why): whether they hold the VFIO groups of \(vfioBound.joined(separator: ", ")) is not known, "
                         + "so those devices are not claimable; run restrack as root to see them")
            for address in vfioBound where result.devices[address]?.vfioUsers.isEmpty == true {
                result.devices[address]?.usersUnknown = why
            }
        }
    }

    /// The observed devices in each group. From the loader's read of the
    /// same poll (`read`) when there is one: every observed device is one
    /// of its devices (it is the snapshot observed), each with the group
    /// its `iommu_group` link names, kept under the directory identity that
    /// read checked in this poll; the link is made when the device joins
    /// the group and cannot change while the directory exists, so it says
    /// what the group's `devices/` lists. Otherwise from the group's
    /// `devices/` directory, or, where a captured root lacks it, from every
    /// observed device's `iommu_group` link (read once per poll, and only
    /// for devices whose directory changed since `groupCache` read it).
    private func groupMembers(_ groups: Set<Int>, files: DeviceUseFiles,
                              observed: [String: DeviceUse], read: HostSnapshot?) -> [Int: [String]] {
        // Only the held groups' members are wanted: a handful of thousands
        // of devices.
        var fromRead: [Int: [String]]?
        if let read {
            var map: [Int: [String]] = [:]
            var everyGroupKnown = true
            // By index: each device is read in place, not copied.
            for index in read.pciDevices.indices {
                guard let n = read.pciDevices[index].iommuGroup else {
                    if observed[read.pciDevices[index].address] != nil { everyGroupKnown = false }
                    continue
                }
                let address = read.pciDevices[index].address
                if groups.contains(n), observed[address] != nil { map[n, default: []].append(address) }
            }
            // A device the read found no group for may still be listed
            // under one (a capture missing the link): then the listings
            // say, where there are any.
            if everyGroupKnown { return map }
            fromRead = map
        }
        var members: [Int: [String]] = [:]
        var byLink = fromRead
        for g in groups {
            if let entries = files.list("sys/kernel/iommu_groups/\(g)/devices", limit: 4096) {
                members[g] = entries.map(SafeText.decode).filter { observed[$0] != nil }
                continue
            }
            if byLink == nil {
                let bus = Array(Self.busDir.utf8)
                let groups = groupCache.groups(
                    of: observed.keys,
                    identity: { files.identity(bus.slash($0)) },
                    readGroup: { files.linkBasename(Self.busDir + "/" + $0 + "/iommu_group").flatMap { Int($0) } })
                var map: [Int: [String]] = [:]
                for (address, n) in groups { map[n, default: []].append(address) }
                byLink = map
            }
            members[g] = byLink?[g] ?? []
        }
        return members
    }

    /// "disk controller of vda, vda1 mounted at /; vdb, is swap", at most
    /// a few uses, then how many more.
    static func diskReason(_ disks: [BlockDeviceScan.Disk]) -> String {
        let limit = 4
        var parts: [String] = []
        var shown = 0
        var hidden = 0
        for disk in disks {
            var uses: [String] = []
            for u in disk.uses {
                if shown < limit { uses.append(u); shown += 1 } else { hidden += 1 }
            }
            if !uses.isEmpty { parts.append(([disk.name] + uses).joined(separator: ", ")) }
        }
        let more = hidden > 0 ? " and \(hidden) more" : ""
        return "disk controller of " + parts.joined(separator: "; ") + more
    }

    /// Up, addressed, or unknown (taken as used, with a note).
    static func networkReason(_ interfaces: [NetInterfaceScan.Interface], addresses: InterfaceAddresses,
                              notes: inout [String], address: String) -> String? {
        if interfaces.isEmpty { return nil }
        // A VF's one netdev, up: what the lists below would join.
        if interfaces.count == 1, interfaces[0].state == .up, interfaces[0].problems.isEmpty {
            return "network interface " + interfaces[0].name + " is up"
        }
        var up: [String] = []
        var addressed: [String] = []
        var unknown: [String] = []
        for i in interfaces {
            for problem in i.problems { notes.append("PCI \(address): \(problem)") }
            switch i.state {
            case .up: up.append(i.name)
            case .down: if addresses.names.contains(i.rawName) { addressed.append(i.name) }
            case .unknown(let why):
                unknown.append(i.name)
                notes.append("PCI \(address): \(why); network interface \(i.name) is taken as in use by the host")
            }
        }
        var parts: [String] = []
        if !up.isEmpty { parts.append("network interface\(up.count > 1 ? "s" : "") \(up.joined(separator: ", ")) \(up.count > 1 ? "are" : "is") up") }
        if !addressed.isEmpty {
            parts.append("network interface\(addressed.count > 1 ? "s" : "") \(addressed.joined(separator: ", ")) "
                         + "\(addressed.count > 1 ? "have" : "has") addresses")
        }
        if !unknown.isEmpty {
            parts.append("network interface\(unknown.count > 1 ? "s" : "") \(unknown.joined(separator: ", ")) "
                         + "of unknown state")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// Class 03 with `boot_vga` 1 (the firmware's framebuffer may drive it
    /// with no driver bound) or a DRM card of its own.
    static func displayReason(_ device: PCIDevice, dir: [UInt8], files: DeviceUseFiles) -> String? {
        guard classBase(device, files: files) == 0x03 else { return nil }
        if case .success("1") = files.text(dir.slash("boot_vga")) { return "boot display" }
        if let cards = files.list(dir.slash("drm"), limit: 64),
           let card = cards.first(where: { $0.starts(with: Array("card".utf8)) }) {
            return "display (\(SafeText.decode(card)))"
        }
        return nil
    }

    static func bridgeReason(_ device: PCIDevice, files: DeviceUseFiles) -> String? {
        guard let code = classCode(device, files: files), code >> 8 == 0x06 else { return nil }
        switch code {
        case 0x0600: return "host bridge"
        case 0x0601: return "ISA bridge"
        case 0x0604, 0x0609: return "PCI bridge"
        default: return "bridge (class \(PCIAddress.hex4(code)))"
        }
    }

    /// Base class and subclass (`0x0604`), from the snapshot or, when it has
    /// none, the device's `class` file.
    static func classCode(_ device: PCIDevice, files: DeviceUseFiles) -> Int? {
        if let code = device.classCode, let v = Int(code, radix: 16) { return v }
        guard case .success(let text) = files.text(busDir + "/" + device.address + "/class"),
              let v = NetInterfaceScan.parseHex(text) else { return nil }
        return v >> 8
    }

    static func classBase(_ device: PCIDevice, files: DeviceUseFiles) -> Int? {
        classCode(device, files: files).map { $0 >> 8 }
    }

    /// vfio-pci and its vendor variants (mlx5_vfio_pci, …). Searched on
    /// the bytes: `String.contains` here is Foundation's locale-aware
    /// search, thousands of times per poll.
    static func isVFIO(_ driver: String) -> Bool {
        var matched = 0
        for byte in driver.utf8 {
            // "vfio" has no repeated prefix, so a mismatch restarts the
            // match at this byte.
            if byte == vfioBytes[matched] {
                matched += 1
                if matched == vfioBytes.count { return true }
            } else {
                matched = byte == vfioBytes[0] ? 1 : 0
            }
        }
        return false
    }

    private static let vfioBytes: [UInt8] = Array("vfio".utf8)

    /// Printable ASCII with no escape: a name the snapshot took as it is.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }
    }

    /// Whether every one of `names` is plain, the loader read its flags in
    /// this poll (`flags`) and they say down, and it has no address: a VF
    /// netdev of thousands, none of whose interfaces makes it the host's.
    static func allDownWithoutAddresses(_ names: [String], flags: [PCIPollRecord.Flag],
                                        addresses: InterfaceAddresses) -> Bool {
        for name in names {
            guard isPlainName(name), let flag = flags.first(where: { $0.name.elementsEqual(name.utf8) }),
                  flag.flags & NetInterfaceScan.iffUp == 0 else { return false }
            if !addresses.names.isEmpty, addresses.names.contains(Array(name.utf8)) { return false }
        }
        return true
    }

    /// The names as bytes when every one is plain, else nil.
    static func plainNames(_ names: [String]) -> [[UInt8]]? {
        guard names.allSatisfy(isPlainName) else { return nil }
        return names.map { Array($0.utf8) }
    }

    /// Drivers that leave a device to a guest.
    static func isPassthrough(_ driver: String) -> Bool {
        DeviceUse.passthroughDrivers.contains(driver) || isVFIO(driver)
    }
}
