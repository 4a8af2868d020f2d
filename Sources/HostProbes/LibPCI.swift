import TrackerCore
import CPCI
import Synchronization

/// The one place restrack calls libpci. libpci's error handler is
/// process-wide state in the shim (a static jmp_buf), so every call holds
/// `lock`: Swift Testing probes fixtures in parallel. The lock also guards
/// the names kept from pci.ids between scans.
enum LibPCI {
    private static let lock = Mutex(PCINameCache())

    /// One device as libpci saw it, with names from pci.ids (nil when the id
    /// is not in the file).
    struct Entry: Sendable {
        var domain: Int, bus: Int, slot: Int, function: Int
        var vendor: Int
        var device: Int
        /// Class and subclass (16 bits, as `lspci -nn` prints); nil when the
        /// fill failed.
        var deviceClass: Int?
        var subsystemVendor: Int?
        var subsystemDevice: Int?
        var vendorName: String?
        var deviceName: String?
        var className: String?
        var subsystemName: String?
        /// libpci's message when filling this device failed (e.g. no `class`).
        var fillError: String?
        /// False when the vendor and device ids could not be read at all.
        var identityKnown = true

        var address: String { PCIAddress.format(domain: domain, bus: bus, slot: slot, function: function) }
    }

    struct Scan: Sendable {
        var entries: [Entry]
        /// Set when libpci could not read the bus at all.
        var fatal: String?
        /// libpci's own warnings (e.g. an unreadable pci.ids).
        var libraryWarnings: [String]
    }

    /// Scans `sysfsBusPath` (a `.../sys/bus/pci` directory) with libpci's
    /// sysfs method, names from `idsPath` (nil: the system pci.ids).
    static func scan(sysfsBusPath: String, idsPath: String?) -> Scan {
        lock.withLock { cache in
            guard let access = pci_alloc() else {
                return Scan(entries: [], fatal: "libpci could not allocate its state", libraryWarnings: [])
            }
            rs_pci_install_handlers(access)
            configure(access, sysfsBusPath: sysfsBusPath, idsPath: idsPath)
            var errorBuffer = [CChar](repeating: 0, count: 16384)
            let result = errorBuffer.withUnsafeMutableBufferPointer { buf in
                rs_pci_init_scan_fill(access, rs_pci_fill_flags(), buf.baseAddress, Int32(buf.count))
            }
            let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if result < 0 {
                // After a failed init libpci's state is half-built; leaking
                // one small struct beats calling pci_cleanup on it.
                return Scan(entries: [], fatal: SafeText.escape(message.trimmedSysfs), libraryWarnings: takeWarnings())
            }
            var failures: [String: String] = [:]
            for line in message.split(separator: "\n") {
                // "DDDD:BB:DD.F: message", as the shim writes it.
                guard let colon = line.firstIndex(of: " ") else { continue }
                failures[String(line[..<colon].dropLast())] = SafeText.escape(String(line[line.index(after: colon)...]))
            }
            let usable = cache.validate(idsFile: access.pointee.id_file_name.map { String(cString: $0) })
            var names = Names(cache: usable ? cache : PCINameCache())
            var entries: [Entry] = []
            var dev = access.pointee.devices
            while let d = dev {
                entries.append(entry(access, d.pointee, failures: failures, names: &names))
                dev = d.pointee.next
            }
            let warnings = takeWarnings()
            // Names asked while libpci warned (an unreadable pci.ids) are
            // not kept: the next scan asks again and warns again.
            if usable, warnings.isEmpty { cache.merge(names.found) }
            pci_cleanup(access)
            return Scan(entries: entries, fatal: nil, libraryWarnings: warnings)
        }
    }

    /// Names for devices found without libpci's scan (when it failed).
    static func names(vendor: Int, device: Int, deviceClass: Int?, idsPath: String?)
        -> (vendor: String?, device: String?, className: String?) {
        lock.withLock { _ in
            guard let access = pci_alloc() else { return (nil, nil, nil) }
            rs_pci_install_handlers(access)
            configure(access, sysfsBusPath: nil, idsPath: idsPath)
            defer { pci_cleanup(access) }
            var buf = [CChar](repeating: 0, count: 1024)
            let v = lookup(&buf) { rs_pci_vendor_name(access, $0, $1, UInt32(vendor)) }
            let d = lookup(&buf) { rs_pci_device_name(access, $0, $1, UInt32(vendor), UInt32(device)) }
            let c = deviceClass.flatMap { cls in lookup(&buf) { rs_pci_class_name(access, $0, $1, UInt32(cls)) } }
            _ = takeWarnings()
            return (v, d, c)
        }
    }

    private static func configure(_ access: UnsafeMutablePointer<pci_access>, sysfsBusPath: String?, idsPath: String?) {
        access.pointee.method = rs_pci_method_sysfs()
        if let sysfsBusPath { setParam(access, "sysfs.path", sysfsBusPath) }
        // Names come from pci.ids only, so a fixture's names are deterministic
        // and the live host shows what `lspci` shows.
        setParam(access, "hwdb.disable", "1")
        if let idsPath, let copy = strdup(idsPath) {
            // libpci keeps the pointer and frees it (to_be_freed = 1).
            pci_set_name_list_path(access, copy, 1)
        }
    }

    private static func setParam(_ access: UnsafeMutablePointer<pci_access>, _ name: String, _ value: String) {
        // pci_set_param copies the value; it only takes char* for history's sake.
        name.withCString { n in
            value.withCString { v in
                _ = pci_set_param(access, UnsafeMutablePointer(mutating: n), UnsafeMutablePointer(mutating: v))
            }
        }
    }

    /// The kept names and those asked of libpci during one scan.
    private struct Names {
        var cache: PCINameCache
        var found: [PCINameCache.Query: String?] = [:]

        mutating func name(_ query: PCINameCache.Query, _ ask: () -> String?) -> String? {
            if let known = cache.name(query) { return known }
            if let known = found[query] { return known }
            let asked = ask()
            found[query] = .some(asked)
            return asked
        }
    }

    private static func entry(_ access: UnsafeMutablePointer<pci_access>, _ d: pci_dev,
                              failures: [String: String], names: inout Names) -> Entry {
        var e = Entry(domain: Int(d.domain), bus: Int(d.bus), slot: Int(d.dev), function: Int(d.func),
                      vendor: Int(d.vendor_id), device: Int(d.device_id))
        e.fillError = failures[e.address]
        if e.fillError == nil, d.known_fields & rs_pci_fill_class_bit() != 0 {
            e.deviceClass = Int(d.device_class)
        }
        if e.fillError == nil, d.known_fields & rs_pci_fill_subsys_bit() != 0 {
            e.subsystemVendor = Int(d.subsys_vendor_id)
            e.subsystemDevice = Int(d.subsys_id)
        }
        var buf = [CChar](repeating: 0, count: 1024)
        let vendor = e.vendor, device = e.device
        e.vendorName = names.name(.vendor(vendor)) {
            lookup(&buf) { rs_pci_vendor_name(access, $0, $1, UInt32(vendor)) }
        }
        e.deviceName = names.name(.device(vendor, device)) {
            lookup(&buf) { rs_pci_device_name(access, $0, $1, UInt32(vendor), UInt32(device)) }
        }
        if let cls = e.deviceClass {
            e.className = names.name(.deviceClass(cls)) {
                lookup(&buf) { rs_pci_class_name(access, $0, $1, UInt32(cls)) }
            }
        }
        if let sv = e.subsystemVendor, let sd = e.subsystemDevice, sv != 0, sv != 0xffff {
            e.subsystemName = names.name(.subsystem(vendor, device, sv, sd)) {
                lookup(&buf) {
                    rs_pci_subsystem_name(access, $0, $1, UInt32(vendor), UInt32(device), UInt32(sv), UInt32(sd))
                }
            }
        }
        return e
    }

    private static func lookup(_ buf: inout [CChar],
                               _ call: (UnsafeMutablePointer<CChar>, Int32) -> UnsafeMutablePointer<CChar>?) -> String? {
        buf.withUnsafeMutableBufferPointer { b -> String? in
            guard let base = b.baseAddress, let result = call(base, Int32(b.count)) else { return nil }
            let bytes = UnsafeBufferPointer(start: result, count: strlen(result)).map { UInt8(bitPattern: $0) }
            let s = SafeText.decode(bytes)
            return s.isEmpty ? nil : s
        }
    }

    private static func takeWarnings() -> [String] {
        var buf = [CChar](repeating: 0, count: 4096)
        buf.withUnsafeMutableBufferPointer { rs_pci_take_warnings($0.baseAddress, Int32($0.count)) }
        let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "\n").map { SafeText.escape(String($0)) }
    }
}
