/// Reads a host document straight from its bytes into a `HostSnapshot`,
/// without building a JSON tree, when it is plain: contract fields only,
/// strings without escapes, integers written as integers. Anything else
/// makes it give up (nil), and `ContractJSON` decodes the document with
/// Foundation's JSONDecoder, which also names any problem. Hosts are most of what a batch of fits
/// reads, and the tree cost more than the fitting.
///
/// It builds the same value as the other paths and accepts nothing they
/// refuse: FitJSONDecodingTests compares them on the corpus.
struct HostJSONReader {
    private let buf: UnsafeBufferPointer<UInt8>
    private var i = 0

    static func read(_ bytes: [UInt8]) -> HostSnapshot? {
        bytes.withUnsafeBufferPointer { b in
            var r = HostJSONReader(buf: b)
            guard let host = r.host() else { return nil }
            r.space()
            return r.i == b.count ? host : nil
        }
    }

    private init(buf: UnsafeBufferPointer<UInt8>) { self.buf = buf }

    // MARK: documents

    private mutating func host() -> HostSnapshot? {
        var hostname = "unknown", cpuRatio = 4.0, ramRatio = 1.0
        var cells: [NUMACell]?
        var devices: [PCIDevice] = [], aliases: [PCIAlias] = []
        var seen: UInt32 = 0
        let ok = object { r, key in
            switch key {
            case "hostname":
                guard r.mark(&seen, 0) else { return false }
                if r.null() { return true }
                guard let s = r.string() else { return false }
                hostname = s
            case "cpu_allocation_ratio":
                guard r.mark(&seen, 1) else { return false }
                if r.null() { return true }
                guard let v = r.number(), v.isFinite, v > 0, v <= ContractLimits.maxRatio else { return false }
                cpuRatio = v
            case "ram_allocation_ratio":
                guard r.mark(&seen, 2) else { return false }
                if r.null() { return true }
                guard let v = r.number(), v.isFinite, v > 0, v <= ContractLimits.maxRatio else { return false }
                ramRatio = v
            case "cells":
                guard r.mark(&seen, 3), !r.null() else { return false }
                var out: [NUMACell] = []
                guard r.array({ r in
                    guard let c = r.cell() else { return false }
                    out.append(c)
                    return true
                }) else { return false }
                cells = out
            case "pci_devices":
                guard r.mark(&seen, 4) else { return false }
                if r.null() { return true }
                return r.array { r in
                    guard let d = r.device() else { return false }
                    devices.append(d)
                    return true
                }
            case "pci_aliases":
                guard r.mark(&seen, 5) else { return false }
                if r.null() { return true }
                return r.array { r in
                    guard let a = r.alias() else { return false }
                    aliases.append(a)
                    return true
                }
            case "warnings":
                return false
            default:
                return r.skip()
            }
            return true
        }
        guard ok, let cells else { return nil }
        return HostSnapshot.assembleChecked(hostname: hostname, cpuRatio: cpuRatio, ramRatio: ramRatio, cells: cells,
                                            devices: devices, aliases: aliases)
    }

    private mutating func cell() -> NUMACell? {
        var id: Int?, memory: Int?, socket: Int?
        var cpus = CPUSet(), pcpus = CPUSet(), pinned = CPUSet()
        var siblings: [CPUSet] = []
        var cpuUsage = 0, memoryUsage = 0
        var pages: [PagePool] = []
        var seen: UInt32 = 0
        let ok = object { r, key in
            func count(_ bit: UInt32, required: Bool = false, _ set: (Int) -> Void) -> Bool {
                guard r.mark(&seen, bit) else { return false }
                if r.null() { return !required }
                guard let v = r.int(), v >= 0, v <= ContractLimits.maxCount else { return false }
                set(v)
                return true
            }
            func cpuList(_ bit: UInt32, _ set: (CPUSet) -> Void) -> Bool {
                guard r.mark(&seen, bit) else { return false }
                if r.null() { return true }
                guard let s = r.cpuSet() else { return false }
                set(s)
                return true
            }
            switch key {
            case "id": return count(0, required: true) { id = $0 }
            case "socket": return count(1) { socket = $0 }
            case "cpus": return cpuList(2) { cpus = $0 }
            case "pcpus": return cpuList(3) { pcpus = $0 }
            case "pinned_cpus": return cpuList(4) { pinned = $0 }
            case "memory_mb": return count(5, required: true) { memory = $0 }
            case "cpu_usage": return count(6) { cpuUsage = $0 }
            case "memory_usage_mb": return count(7) { memoryUsage = $0 }
            case "siblings":
                guard r.mark(&seen, 8) else { return false }
                if r.null() { return true }
                return r.array { r in
                    guard let s = r.cpuSet() else { return false }
                    siblings.append(s)
                    return true
                }
            case "mempages":
                guard r.mark(&seen, 9) else { return false }
                if r.null() { return true }
                return r.array { r in
                    guard let p = r.pagePool() else { return false }
                    pages.append(p)
                    return true
                }
            case "distances", "offline_cpus", "isolated_cpus", "memory_free_mb":
                return false
            default:
                return r.skip()
            }
        }
        guard ok, let id, let memory else { return nil }
        return NUMACell.assembleChecked(id: id, socket: socket, cpus: cpus, pcpus: pcpus, siblings: siblings,
                                        memoryMB: memory, cpuUsage: cpuUsage, memoryUsageMB: memoryUsage,
                                        pinnedCPUs: pinned, mempages: pages)
    }

    private mutating func pagePool() -> PagePool? {
        var size: Int?, total: Int?, used = 0, reserved = 0
        var seen: UInt32 = 0
        let ok = object { r, key in
            func count(_ bit: UInt32, required: Bool, _ set: (Int) -> Void) -> Bool {
                guard r.mark(&seen, bit) else { return false }
                if r.null() { return !required }
                guard let v = r.int(), v >= 0, v <= ContractLimits.maxCount else { return false }
                set(v)
                return true
            }
            switch key {
            case "size_kb": return count(0, required: true) { size = $0 }
            case "total": return count(1, required: true) { total = $0 }
            case "used": return count(2, required: false) { used = $0 }
            case "reserved": return count(3, required: false) { reserved = $0 }
            case "free", "surplus": return false
            default: return r.skip()
            }
        }
        guard ok, let size, size > 0, size <= ContractLimits.maxPageSizeKB, let total else { return nil }
        return PagePool(sizeKB: size, total: total, used: used, reserved: reserved)
    }

    private mutating func device() -> PCIDevice? {
        var address: String?, vendor: String?, product: String?
        var type = PCIDeviceType.pci, status = PCIDeviceStatus.available
        var node: Int?, net: String?, parent: String?
        var seen: UInt32 = 0
        let ok = object { r, key in
            switch key {
            // Straight into the fields, no closure per field: a host has
            // thousands of devices.
            case "address": return r.text(&seen, 0, required: true, into: &address)
            case "vendor_id": return r.text(&seen, 1, required: true, into: &vendor)
            case "product_id": return r.text(&seen, 2, required: true, into: &product)
            // The two enumerations are matched on the bytes: no String per
            // device for them.
            case "dev_type":
                guard r.mark(&seen, 3) else { return false }
                if r.null() { return true }
                guard let raw = r.rawString() else { return false }
                switch Key(bytes: raw) {
                case "type-PCI": type = .pci
                case "type-PF": type = .pf
                case "type-VF": type = .vf
                default: return false
                }
                return true
            case "status":
                guard r.mark(&seen, 4) else { return false }
                if r.null() { return true }
                guard let raw = r.rawString() else { return false }
                switch Key(bytes: raw) {
                case "available": status = .available
                case "claimed": status = .claimed
                case "allocated": status = .allocated
                case "unavailable": status = .unavailable
                case "unclaimable": status = .unclaimable
                default: return false
                }
                return true
            case "numa_node":
                guard r.mark(&seen, 5) else { return false }
                if r.null() { return true }
                guard let n = r.int() else { return false }
                node = n < 0 ? nil : n
                return true
            case "physical_network": return r.text(&seen, 6, into: &net)
            case "parent_addr": return r.text(&seen, 7, into: &parent)
            case "class_code", "class_name", "vendor_name", "device_name", "subsystem_vendor_id",
                 "subsystem_device_id", "subsystem_name", "driver", "iommu_group", "net_interfaces",
                 "sriov_totalvfs", "sriov_numvfs":
                return false
            default:
                return r.skip()
            }
        }
        guard ok, let address, let vendor, let product else { return nil }
        if type == .vf && parent == nil { return nil }
        return PCIDevice(address: address, vendorID: vendor, productID: product, devType: type, numaNode: node,
                         physicalNetwork: net, parentAddr: parent, status: status)
    }

    private mutating func alias() -> PCIAlias? {
        var name: String?, vendor: String?, product: String?
        var type: PCIDeviceType?, policy: PCINUMAPolicy?
        var seen: UInt32 = 0
        var bad = false
        let ok = object { r, key in
            func text(_ bit: UInt32, _ set: (String) -> Void) -> Bool {
                guard r.mark(&seen, bit) else { return false }
                if r.null() { return bit != 0 }
                guard let s = r.string() else { return false }
                set(s)
                return true
            }
            switch key {
            case "name": return text(0) { name = $0 }
            case "vendor_id": return text(1) { vendor = $0 }
            case "product_id": return text(2) { product = $0 }
            case "device_type":
                return text(3) { s in
                    type = PCIDeviceType(rawValue: s)
                    if type == nil { bad = true }
                }
            case "numa_policy":
                return text(4) { s in
                    policy = PCINUMAPolicy(rawValue: s)
                    if policy == nil { bad = true }
                }
            default: return r.skip()
            }
        }
        guard ok, !bad, let name else { return nil }
        return PCIAlias(name: name, vendorID: vendor, productID: product, deviceType: type, numaPolicy: policy)
    }

    // MARK: tokens

    /// Records that a known key was seen; false on a repeat (the general
    /// path refuses repeated keys naming their path).
    private func mark(_ seen: inout UInt32, _ bit: UInt32) -> Bool {
        let m: UInt32 = 1 << bit
        if seen & m != 0 { return false }
        seen |= m
        return true
    }

    private mutating func space() {
        while i < buf.count, buf[i] == 0x20 || buf[i] == 0x0A || buf[i] == 0x0D || buf[i] == 0x09 { i += 1 }
    }

    private mutating func take(_ c: UInt8) -> Bool {
        space()
        guard i < buf.count, buf[i] == c else { return false }
        i += 1
        return true
    }

    /// `{ "key": value, … }`, calling `member` with the reader at each value.
    /// A member name as it sits in the input (no escapes): compared with
    /// the names the reader knows byte by byte, never made a String.
    struct Key {
        let bytes: UnsafeBufferPointer<UInt8>

        static func ~= (name: StaticString, key: Key) -> Bool {
            let n = name.utf8CodeUnitCount
            guard n == key.bytes.count else { return false }
            let p = name.utf8Start
            for k in 0..<n where p[k] != key.bytes[k] { return false }
            return true
        }
    }

    /// A string's bytes, without escapes or control characters.
    private mutating func rawString() -> UnsafeBufferPointer<UInt8>? {
        space()
        guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var j = start
        while j < buf.count {
            let c = buf[j]
            if c == UInt8(ascii: "\"") {
                i = j + 1
                return UnsafeBufferPointer(rebasing: buf[start..<j])
            }
            // Escapes, control characters and non-ASCII bytes (whose UTF-8
            // JSONDecoder validates) are left to the general path.
            if c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { return nil }
            j += 1
        }
        return nil
    }

    /// A repeated member name, known or not, gives up: the general path
    /// refuses it naming its path (`JSONValue.repeatedKeyPath`).
    private mutating func object(_ member: (inout HostJSONReader, Key) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        var names: [UnsafeBufferPointer<UInt8>] = []
        names.reserveCapacity(12)
        while true {
            space()
            guard let name = rawString(), take(UInt8(ascii: ":")) else { return false }
            for earlier in names where earlier.elementsEqual(name) { return false }
            names.append(name)
            let key = Key(bytes: name)
            space()
            guard member(&self, key) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    private mutating func array(_ element: (inout HostJSONReader) -> Bool) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        while true {
            space()
            guard element(&self) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]"))
        }
    }

    private mutating func null() -> Bool {
        space()
        guard i + 4 <= buf.count, buf[i] == UInt8(ascii: "n"), buf[i + 1] == UInt8(ascii: "u"),
              buf[i + 2] == UInt8(ascii: "l"), buf[i + 3] == UInt8(ascii: "l") else { return false }
        i += 4
        return true
    }

    /// A device's text field: marks `bit` seen, leaves `out` alone for
    /// null (false if `required`), else sets it; false when malformed.
    private mutating func text(_ seen: inout UInt32, _ bit: UInt32, required: Bool = false,
                               into out: inout String?) -> Bool {
        guard mark(&seen, bit) else { return false }
        if null() { return !required }
        guard let s = string() else { return false }
        out = s
        return true
    }

    /// A string without escapes or control characters.
    private mutating func string() -> String? {
        rawString().map { String(decoding: $0, as: UTF8.self) }
    }

    /// An integer written without fraction or exponent, fitting in Int.
    private mutating func int() -> Int? {
        space()
        var j = i
        var negative = false
        if j < buf.count, buf[j] == UInt8(ascii: "-") { negative = true; j += 1 }
        let digits = j
        var v = 0
        while j < buf.count, buf[j] >= 0x30, buf[j] <= 0x39 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(buf[j] - 0x30))
            if o1 || o2 { return nil }
            v = s
            j += 1
        }
        guard j > digits else { return nil }
        if buf[digits] == 0x30 && j - digits > 1 { return nil }
        if j < buf.count, buf[j] == UInt8(ascii: ".") || buf[j] == UInt8(ascii: "e") || buf[j] == UInt8(ascii: "E") {
            return nil
        }
        i = j
        return negative ? -v : v
    }

    /// Any JSON number, as a Double (ratios).
    private mutating func number() -> Double? {
        space()
        let start = i
        var j = i
        if j < buf.count, buf[j] == UInt8(ascii: "-") { j += 1 }
        let digits = j
        while j < buf.count, buf[j] >= 0x30, buf[j] <= 0x39 { j += 1 }
        guard j > digits, !(buf[digits] == 0x30 && j - digits > 1) else { return nil }
        if j < buf.count, buf[j] == UInt8(ascii: ".") {
            j += 1
            let f = j
            while j < buf.count, buf[j] >= 0x30, buf[j] <= 0x39 { j += 1 }
            guard j > f else { return nil }
        }
        if j < buf.count, buf[j] == UInt8(ascii: "e") || buf[j] == UInt8(ascii: "E") {
            j += 1
            if j < buf.count, buf[j] == UInt8(ascii: "+") || buf[j] == UInt8(ascii: "-") { j += 1 }
            let e = j
            while j < buf.count, buf[j] >= 0x30, buf[j] <= 0x39 { j += 1 }
            guard j > e else { return nil }
        }
        guard let d = Double(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<j]), as: UTF8.self)),
              d.isFinite else { return nil }
        i = j
        return d
    }

    /// `[distinct CPU ids]`, straight into the set: no list of ids, and no
    /// allocation at all for CPUs below 128 (`CPUSet` keeps those inline).
    private mutating func cpuSet() -> CPUSet? {
        // A loop of its own rather than `array` with a closure: CPU lists
        // are most of a host document. The set's words are collected here
        // (a repeat is a clash of bits), and the set made once.
        guard take(UInt8(ascii: "[")) else { return nil }
        if take(UInt8(ascii: "]")) { return CPUSet() }
        var w0: UInt64 = 0, w1: UInt64 = 0
        // Words for CPUs 128 and up, grown once to a 1,152-CPU host's size
        // rather than word by word.
        var above: [UInt64] = []
        while true {
            guard let v = int(), v >= 0, v <= CPUSet.maxCPUId else { return nil }
            let bit = UInt64(1) << UInt64(v & 63)
            switch v >> 6 {
            case 0:
                guard w0 & bit == 0 else { return nil }
                w0 |= bit
            case 1:
                guard w1 & bit == 0 else { return nil }
                w1 |= bit
            default:
                let k = (v >> 6) - 2
                if k >= above.count {
                    if above.isEmpty { above.reserveCapacity(Swift.max(16, k + 1)) }
                    above.append(contentsOf: repeatElement(0, count: k - above.count + 1))
                }
                guard above[k] & bit == 0 else { return nil }
                above[k] |= bit
            }
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return nil }
            // The last word holds the largest id: no trailing zero word.
            return CPUSet(word0: w0, word1: w1, wordsAbove: above)
        }
    }

    /// Skips a value of a key the host does not read; only plain values
    /// (anything with an escape or a fraction gives up).
    private mutating func skip() -> Bool {
        space()
        guard i < buf.count else { return false }
        switch buf[i] {
        case UInt8(ascii: "{"): return object { r, _ in r.skip() }
        case UInt8(ascii: "["): return array { r in r.skip() }
        case UInt8(ascii: "\""): return rawString() != nil
        case UInt8(ascii: "n"): return null()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            let word: [UInt8] = buf[i] == UInt8(ascii: "t") ? Array("true".utf8) : Array("false".utf8)
            guard i + word.count <= buf.count, Array(buf[i..<(i + word.count)]) == word else { return false }
            i += word.count
            return true
        default:
            return number() != nil
        }
    }
}
