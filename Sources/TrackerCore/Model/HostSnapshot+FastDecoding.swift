extension HostSnapshot {
    /// Reads a host document straight from its parsed JSON when it holds
    /// only the fit contract's fields, well typed and consistent; nil
    /// otherwise, and the caller decodes through `Decodable`, which names
    /// the problem. A batch of fits spends most of its time reading hosts;
    /// this path skips the generic decoding machinery for them.
    ///
    /// It must accept nothing the `Decodable` path refuses and build the
    /// same value (FitJSONDecodingTests compares both on the corpus).
    static func fastDecode(_ json: JSONValue) -> HostSnapshot? {
        guard case .object(let members) = json else { return nil }
        var hostname = "unknown", cpuRatio = 4.0, ramRatio = 1.0
        var cells: [NUMACell]?
        var devices: [PCIDevice] = [], aliases: [PCIAlias] = []
        guard FastJSON.distinctKeys(members) else { return nil }
        for (key, value) in members {
            if case .null = value { continue }
            switch key {
            case "hostname":
                guard case .string(let s) = value else { return nil }
                hostname = s
            case "cpu_allocation_ratio":
                guard let r = FastJSON.double(value), r.isFinite, r > 0 else { return nil }
                cpuRatio = r
            case "ram_allocation_ratio":
                guard let r = FastJSON.double(value), r.isFinite, r > 0 else { return nil }
                ramRatio = r
            case "cells":
                guard let items = value.arrayItems else { return nil }
                var out: [NUMACell] = []
                out.reserveCapacity(items.count)
                for item in items {
                    guard let cell = NUMACell.fastDecode(item) else { return nil }
                    out.append(cell)
                }
                cells = out
            case "pci_devices":
                guard let items = value.arrayItems else { return nil }
                devices.reserveCapacity(items.count)
                for item in items {
                    guard let d = PCIDevice.fastDecode(item) else { return nil }
                    devices.append(d)
                }
            case "pci_aliases":
                guard let items = value.arrayItems else { return nil }
                for item in items {
                    guard let a = PCIAlias.fastDecode(item) else { return nil }
                    aliases.append(a)
                }
            case "warnings":
                return nil
            default:
                continue
            }
        }
        guard let cells else { return nil }
        return assembleChecked(hostname: hostname, cpuRatio: cpuRatio, ramRatio: ramRatio, cells: cells,
                               devices: devices, aliases: aliases)
    }

    /// The host, when it passes the checks the `Decodable` path makes
    /// (cells present, cell ids and CPUs not repeated, PCI addresses not
    /// repeated); nil otherwise.
    static func assembleChecked(hostname: String, cpuRatio: Double, ramRatio: Double, cells: [NUMACell],
                                devices: [PCIDevice], aliases: [PCIAlias]) -> HostSnapshot? {
        guard !cells.isEmpty else { return nil }
        var ids = Set<Int>()
        var all = CPUSet()
        for c in cells {
            guard ids.insert(c.id).inserted else { return nil }
            let mine = c.cpus.union(c.pcpus)
            guard all.isDisjoint(with: mine) else { return nil }
            all.formUnion(mine)
        }
        var addresses = Set<String>()
        for d in devices where !addresses.insert(d.address).inserted { return nil }
        return HostSnapshot(hostname: hostname, cpuAllocationRatio: cpuRatio, ramAllocationRatio: ramRatio, cells: cells,
                            pciDevices: devices, pciAliases: aliases)
    }
}

extension NUMACell {
    static func fastDecode(_ json: JSONValue) -> NUMACell? {
        guard case .object(let members) = json else { return nil }
        var id: Int?, memory: Int?, socket: Int?
        var cpus = CPUSet(), pcpus = CPUSet(), pinned = CPUSet()
        var siblings: [CPUSet] = []
        var cpuUsage = 0, memoryUsage = 0
        var pages: [PagePool] = []
        guard FastJSON.distinctKeys(members) else { return nil }
        for (key, value) in members {
            if case .null = value {
                // A null required field is an error for the Decodable path.
                if key == "id" || key == "memory_mb" { return nil }
                continue
            }
            switch key {
            case "id": guard let v = FastJSON.count(value) else { return nil }; id = v
            case "socket": guard let v = FastJSON.count(value) else { return nil }; socket = v
            case "cpus": guard let v = FastJSON.cpus(value) else { return nil }; cpus = v
            case "pcpus": guard let v = FastJSON.cpus(value) else { return nil }; pcpus = v
            case "pinned_cpus": guard let v = FastJSON.cpus(value) else { return nil }; pinned = v
            case "siblings":
                guard let groups = value.arrayItems else { return nil }
                for g in groups {
                    guard let set = FastJSON.cpus(g) else { return nil }
                    siblings.append(set)
                }
            case "memory_mb": guard let v = FastJSON.count(value) else { return nil }; memory = v
            case "cpu_usage": guard let v = FastJSON.count(value) else { return nil }; cpuUsage = v
            case "memory_usage_mb": guard let v = FastJSON.count(value) else { return nil }; memoryUsage = v
            case "mempages":
                guard let items = value.arrayItems else { return nil }
                for item in items {
                    guard let p = PagePool.fastDecode(item) else { return nil }
                    pages.append(p)
                }
            case "distances", "offline_cpus", "isolated_cpus", "memory_free_mb":
                return nil
            default:
                continue
            }
        }
        guard let id, let memory else { return nil }
        return assembleChecked(id: id, socket: socket, cpus: cpus, pcpus: pcpus, siblings: siblings, memoryMB: memory,
                               cpuUsage: cpuUsage, memoryUsageMB: memoryUsage, pinnedCPUs: pinned, mempages: pages)
    }

    /// The cell, when it passes the `Decodable` path's checks (shared and
    /// dedicated CPUs disjoint, sibling groups disjoint, page sizes not
    /// repeated); nil otherwise.
    static func assembleChecked(id: Int, socket: Int?, cpus: CPUSet, pcpus: CPUSet, siblings: [CPUSet], memoryMB: Int,
                                cpuUsage: Int, memoryUsageMB: Int, pinnedCPUs: CPUSet,
                                mempages: [PagePool]) -> NUMACell? {
        guard cpus.isDisjoint(with: pcpus) else { return nil }
        var seen = CPUSet()
        for g in siblings {
            guard seen.isDisjoint(with: g) else { return nil }
            seen.formUnion(g)
        }
        var sizes = Set<Int>()
        for p in mempages where !sizes.insert(p.sizeKB).inserted { return nil }
        return NUMACell(id: id, socket: socket, cpus: cpus, pcpus: pcpus, siblings: siblings, memoryMB: memoryMB,
                        cpuUsage: cpuUsage, memoryUsageMB: memoryUsageMB, pinnedCPUs: pinnedCPUs, mempages: mempages)
    }
}

extension PagePool {
    static func fastDecode(_ json: JSONValue) -> PagePool? {
        guard case .object(let members) = json else { return nil }
        var size: Int?, total: Int?, used = 0, reserved = 0
        guard FastJSON.distinctKeys(members) else { return nil }
        for (key, value) in members {
            if case .null = value {
                if key == "size_kb" || key == "total" { return nil }
                continue
            }
            switch key {
            case "size_kb": guard let v = FastJSON.count(value), v > 0 else { return nil }; size = v
            case "total": guard let v = FastJSON.count(value) else { return nil }; total = v
            case "used": guard let v = FastJSON.count(value) else { return nil }; used = v
            case "reserved": guard let v = FastJSON.count(value) else { return nil }; reserved = v
            case "free", "surplus": return nil
            default: continue
            }
        }
        guard let size, let total else { return nil }
        return PagePool(sizeKB: size, total: total, used: used, reserved: reserved)
    }
}

extension PCIDevice {
    static func fastDecode(_ json: JSONValue) -> PCIDevice? {
        guard case .object(let members) = json else { return nil }
        var address: String?, vendor: String?, product: String?
        var type = PCIDeviceType.pci, status = PCIDeviceStatus.available
        var node: Int?, net: String?, parent: String?
        guard FastJSON.distinctKeys(members) else { return nil }
        for (key, value) in members {
            if case .null = value {
                if key == "address" || key == "vendor_id" || key == "product_id" { return nil }
                continue
            }
            switch key {
            case "address": guard case .string(let s) = value else { return nil }; address = s
            case "vendor_id": guard case .string(let s) = value else { return nil }; vendor = s
            case "product_id": guard case .string(let s) = value else { return nil }; product = s
            case "dev_type":
                guard case .string(let s) = value, let t = PCIDeviceType(rawValue: s) else { return nil }
                type = t
            case "status":
                guard case .string(let s) = value, let t = PCIDeviceStatus(rawValue: s) else { return nil }
                status = t
            case "numa_node":
                guard case .int(let n) = value else { return nil }
                node = n < 0 ? nil : n
            case "physical_network": guard case .string(let s) = value else { return nil }; net = s
            case "parent_addr": guard case .string(let s) = value else { return nil }; parent = s
            case "class_code", "class_name", "vendor_name", "device_name", "subsystem_vendor_id",
                 "subsystem_device_id", "subsystem_name", "driver", "iommu_group", "net_interfaces",
                 "sriov_totalvfs", "sriov_numvfs":
                return nil
            default:
                continue
            }
        }
        guard let address, let vendor, let product else { return nil }
        if type == .vf && parent == nil { return nil }
        return PCIDevice(address: address, vendorID: vendor, productID: product, devType: type, numaNode: node,
                         physicalNetwork: net, parentAddr: parent, status: status)
    }
}

extension PCIAlias {
    static func fastDecode(_ json: JSONValue) -> PCIAlias? {
        guard case .object(let members) = json else { return nil }
        var name: String?, vendor: String?, product: String?
        var type: PCIDeviceType?, policy: PCINUMAPolicy?
        guard FastJSON.distinctKeys(members) else { return nil }
        for (key, value) in members {
            if case .null = value {
                if key == "name" { return nil }
                continue
            }
            switch key {
            case "name": guard case .string(let s) = value else { return nil }; name = s
            case "vendor_id": guard case .string(let s) = value else { return nil }; vendor = s
            case "product_id": guard case .string(let s) = value else { return nil }; product = s
            case "device_type":
                guard case .string(let s) = value, let t = PCIDeviceType(rawValue: s) else { return nil }
                type = t
            case "numa_policy":
                guard case .string(let s) = value, let p = PCINUMAPolicy(rawValue: s) else { return nil }
                policy = p
            default: continue
            }
        }
        guard let name else { return nil }
        return PCIAlias(name: name, vendorID: vendor, productID: product, deviceType: type, numaPolicy: policy)
    }
}

/// Value readers for the fast paths: nil for anything the `Decodable` path
/// would refuse (or that the fast path leaves to it).
enum FastJSON {
    /// No key twice (the parser keeps repeats; the Decodable path reads the
    /// first, and the fast paths leave such documents to it).
    static func distinctKeys(_ members: [(key: String, value: JSONValue)]) -> Bool {
        guard members.count > 1 else { return true }
        // Compare a cheap signature (length, first and last byte) first;
        // strings only when signatures collide.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: members.count) { sig in
            for (i, m) in members.enumerated() {
                let u = m.key.utf8
                sig[i] = u.count << 16 | Int(u.first ?? 0) << 8 | Int(u.last ?? 0)
                for j in 0..<i where sig[j] == sig[i] && members[j].key == m.key { return false }
            }
            return true
        }
    }

    /// A non-negative integer written as an integer.
    static func count(_ v: JSONValue) -> Int? {
        guard case .int(let i) = v, i >= 0 else { return nil }
        return i
    }

    static func double(_ v: JSONValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// A list of distinct CPU ids in range.
    static func cpus(_ v: JSONValue) -> CPUSet? {
        guard case .intArray(let ids) = v else { return nil }
        return CPUSet(distinct: ids)
    }
}
