import BoundedFile
import Foundation
import TrackerCore

/// The operator's settings, read from an INI file in nova.conf syntax so
/// `--config /etc/nova/nova.conf` works as is. Keys and meanings are Nova's:
///
/// - `[compute] cpu_dedicated_set`, `cpu_shared_set`: Nova cpu specs
///   (`4-12,^8,15`). Dedicated only → no shared CPUs (Nova reports no VCPU
///   inventory then); shared only → no dedicated CPUs; neither → restrack's
///   default (isolated CPUs dedicated, the rest shared). An empty value
///   (`cpu_shared_set =`) is the option not given, as in Nova.
/// - `[DEFAULT] vcpu_pin_set` (legacy, before Train): Nova then offers the
///   same CPUs to shared and pinned guests (`_get_vcpu_available`,
///   `_get_host_numa_topology`); restrack's sets are disjoint, so it applies
///   its default split inside `vcpu_pin_set` (isolated ones dedicated, the
///   rest shared) and CPUs outside it are the host's. While it is set,
///   `cpu_shared_set` is ignored (Nova warns and does the same); with
///   `cpu_dedicated_set` it is an error, as Nova refuses to start.
/// - `[DEFAULT] reserved_host_cpus`: a count, the VCPU inventory's
///   `reserved` in Placement, so shared guests get `(cpus − N) × ratio`;
///   pinned CPUs are not affected. Nova refuses it beside
///   `cpu_shared_set`/`cpu_dedicated_set` (CPUs in neither set already are
///   the host's), and so does restrack.
/// - `[DEFAULT] reserved_host_memory_mb` (Nova default 512),
///   `reserved_huge_pages` (repeatable `node:N,size:KiB,count:C`; size may
///   carry a unit: `2048`, `2MB`, `1GB`), `cpu_allocation_ratio` and
///   `ram_allocation_ratio` (unset or 0.0: `initial_cpu_allocation_ratio`,
///   default 4.0, and `initial_ram_allocation_ratio`, default 1.0, as a new
///   Nova compute node gets).
/// - `[pci] device_spec` (or its old name `passthrough_whitelist`) and
///   `alias`: repeatable JSON objects (or lists of them), as in Nova.
///
/// Unknown sections and keys are ignored: a real nova.conf has hundreds.
/// A value restrack cannot read is an error naming the file, key and line.
public struct ComputeConfig: Sendable, Equatable {
    public var cpuDedicatedSet: CPUSet?
    public var cpuSharedSet: CPUSet?
    /// Nova's legacy `[DEFAULT] vcpu_pin_set`; never set beside `cpuDedicatedSet`.
    public var vcpuPinSet: CPUSet?
    /// `[DEFAULT] reserved_host_cpus`: host CPUs kept out of shared (VCPU) capacity.
    public var reservedHostCPUs: Int
    public var reservedHostMemoryMB: Int
    public var reservedHugePages: [ReservedPages]
    public var cpuAllocationRatio: Double
    public var ramAllocationRatio: Double
    public var deviceSpecs: [PCIDeviceSpec]
    public var aliases: [PCIAlias]

    /// One `reserved_huge_pages` entry.
    public struct ReservedPages: Sendable, Hashable {
        public var node: Int
        public var sizeKB: Int
        public var count: Int
    }

    /// The settings when no config file is given: nothing reserved, Nova's
    /// initial allocation ratios, every PCI device tracked.
    public init() {
        reservedHostCPUs = 0
        reservedHostMemoryMB = 0
        reservedHugePages = []
        cpuAllocationRatio = 4.0
        ramAllocationRatio = 1.0
        deviceSpecs = []
        aliases = []
    }

    public static func load(path: String) throws(ProbeError) -> ComputeConfig {
        switch BoundedFileReader().read(path) {
        case .success(let bytes):
            return try parse(String(decoding: bytes, as: UTF8.self), file: path)
        case .failure(let failure):
            throw ProbeError("config \(path) \(failure.words)")
        }
    }

    public static func parse(_ text: String, file: String) throws(ProbeError) -> ComputeConfig {
        let ini: INIFile
        do {
            ini = try INIFile(parsing: text)
        } catch {
            throw ProbeError("config \(file): line \(error.line): \(error.problem)")
        }
        func fail(_ section: String, _ key: String, _ value: INIFile.Value, _ problem: String) -> ProbeError {
            ProbeError("config \(file): [\(section)] \(key) (line \(value.line)): \(problem)")
        }

        var config = ComputeConfig()
        // Nova's default when the operator's nova.conf leaves it out.
        config.reservedHostMemoryMB = 512

        for key in ["cpu_dedicated_set", "cpu_shared_set"] {
            // `key =` is the option left unset: Nova tests the options for
            // truth (`if CONF.compute.cpu_shared_set:`), and an empty set
            // here would drop every CPU from the host.
            guard let v = ini.value("compute", key), !v.text.isEmpty else { continue }
            let set: CPUSet
            do {
                set = try CPUSet(novaSpec: v.text)
            } catch {
                throw fail("compute", key, v, error.description)
            }
            // Nova's get_cpu_shared_set / get_cpu_dedicated_set refuse a
            // spec that parses to no CPU (`^0`, `^1,^2`) rather than run
            // with none.
            guard !set.isEmpty else {
                throw fail("compute", key, v, "\(QuotedValue.quote(v.text)) leaves no CPUs; Nova refuses it. "
                           + "Name the CPUs to use, or leave the option unset")
            }
            if key == "cpu_dedicated_set" { config.cpuDedicatedSet = set } else { config.cpuSharedSet = set }
        }
        if let d = config.cpuDedicatedSet, let s = config.cpuSharedSet, !d.isDisjoint(with: s),
           let v = ini.value("compute", "cpu_shared_set") {
            throw fail("compute", "cpu_shared_set", v,
                       "CPUs \(d.intersection(s)) are also in cpu_dedicated_set; a CPU is shared or dedicated, not both")
        }
        if let v = ini.value("DEFAULT", "vcpu_pin_set"), !v.text.isEmpty {
            let set: CPUSet
            do {
                set = try CPUSet(novaSpec: v.text)
            } catch {
                throw fail("DEFAULT", "vcpu_pin_set", v, error.description)
            }
            // Nova's get_vcpu_pin_set refuses a spec that leaves no CPU.
            guard !set.isEmpty else { throw fail("DEFAULT", "vcpu_pin_set", v, "\(QuotedValue.quote(v.text)) leaves no CPUs") }
            if let d = ini.value("compute", "cpu_dedicated_set"), config.cpuDedicatedSet != nil {
                throw fail("DEFAULT", "vcpu_pin_set", v,
                           "cannot be set together with [compute] cpu_dedicated_set (line \(d.line)); Nova refuses to start "
                           + "with both. Move its CPUs to [compute] cpu_dedicated_set and cpu_shared_set, and unset vcpu_pin_set")
            }
            config.vcpuPinSet = set
        }
        if let v = ini.value("DEFAULT", "reserved_host_cpus"), !v.text.isEmpty {
            guard let n = Int(v.text), n >= 0 else {
                throw fail("DEFAULT", "reserved_host_cpus", v, "\(QuotedValue.quote(v.text)) is not a non-negative integer")
            }
            if n > 0, config.vcpuPinSet == nil, config.cpuDedicatedSet != nil || config.cpuSharedSet != nil {
                let other = config.cpuSharedSet != nil ? "cpu_shared_set" : "cpu_dedicated_set"
                throw fail("DEFAULT", "reserved_host_cpus", v,
                           "cannot be set together with [compute] \(other); Nova refuses to start with both. "
                           + "CPUs in neither [compute] set are already kept for the host: unset reserved_host_cpus")
            }
            config.reservedHostCPUs = n
        }

        if let v = ini.value("DEFAULT", "reserved_host_memory_mb") {
            guard let mb = Int(v.text), mb >= 0 else {
                throw fail("DEFAULT", "reserved_host_memory_mb", v, "\(QuotedValue.quote(v.text)) is not a non-negative integer")
            }
            config.reservedHostMemoryMB = mb
        }
        // Nova: `<res>_allocation_ratio` when set to anything but 0.0 (the
        // pre-Stein "unset"), else `initial_<res>_allocation_ratio`, which a
        // new compute node starts with (4.0 and 1.0 by default).
        for res in ["cpu", "ram"] {
            var ratio: Double?
            for key in ["\(res)_allocation_ratio", "initial_\(res)_allocation_ratio"] where ratio == nil {
                guard let v = ini.value("DEFAULT", key), !v.text.isEmpty else { continue }
                guard let r = Double(v.text), r.isFinite, r >= 0, r <= ContractLimits.maxRatio else {
                    throw fail("DEFAULT", key, v,
                               "\(QuotedValue.quote(v.text)) is not a positive number up to \(Int(ContractLimits.maxRatio))")
                }
                if r > 0 { ratio = r }
            }
            if let ratio {
                if res == "cpu" { config.cpuAllocationRatio = ratio } else { config.ramAllocationRatio = ratio }
            }
        }
        for v in ini.values("DEFAULT", "reserved_huge_pages") {
            do {
                config.reservedHugePages.append(try reservedPages(v.text))
            } catch {
                throw fail("DEFAULT", "reserved_huge_pages", v, error.message)
            }
        }

        for key in ["device_spec", "passthrough_whitelist"] {
            for v in ini.values("pci", key) {
                do {
                    for object in try jsonObjects(v.text) { config.deviceSpecs.append(try deviceSpec(object)) }
                } catch {
                    throw fail("pci", key, v, error.message)
                }
            }
        }
        for v in ini.values("pci", "alias") {
            do throws(ProbeError) {
                for object in try jsonObjects(v.text) {
                    let a = try alias(object)
                    if config.aliases.contains(where: { $0.name == a.name }) {
                        throw ProbeError("alias \(QuotedValue.quote(a.name)) is defined twice; restrack keeps one device spec per alias name")
                    }
                    config.aliases.append(a)
                }
            } catch {
                throw fail("pci", "alias", v, error.message)
            }
        }
        return config
    }

    /// `node:0,size:2048,count:64` (Nova's dict option syntax).
    static func reservedPages(_ text: String) throws(ProbeError) -> ReservedPages {
        var fields: [String: String] = [:]
        for part in text.split(separator: ",") {
            let kv = part.split(separator: ":", maxSplits: 1).map { String($0).trimmedSysfs }
            guard kv.count == 2 else { throw ProbeError("\(QuotedValue.quote(part)) is not key:value") }
            fields[kv[0]] = kv[1]
        }
        guard let nodeText = fields["node"], let node = Int(nodeText), node >= 0 else {
            throw ProbeError("\(QuotedValue.quote(text)) needs node:N with N a NUMA node id")
        }
        guard let sizeText = fields["size"], let size = pageSizeKB(sizeText) else {
            throw ProbeError("\(QuotedValue.quote(text)) needs size:KiB (e.g. 2048, 2MB or 1GB)")
        }
        guard let countText = fields["count"], let count = Int(countText), count >= 0 else {
            throw ProbeError("\(QuotedValue.quote(text)) needs count:N with N a non-negative integer")
        }
        return ReservedPages(node: node, sizeKB: size, count: count)
    }

    /// A page size in KiB: a bare number is KiB; `K`/`KB`, `M`/`MB`, `G`/`GB`
    /// (any case, optional `iB`) scale it.
    static func pageSizeKB(_ text: String) -> Int? {
        let t = text.uppercased()
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard let n = Int(digits), n > 0 else { return nil }
        let scale: Int
        switch t.dropFirst(digits.count) {
        case "", "K", "KB", "KIB": scale = 1
        case "M", "MB", "MIB": scale = 1024
        case "G", "GB", "GIB": scale = 1024 * 1024
        default: return nil
        }
        let (kb, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : kb
    }

    private static func jsonObjects(_ text: String) throws(ProbeError) -> [[String: Any]] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw ProbeError("\(QuotedValue.quote(text)) is not valid JSON")
        }
        if let object = parsed as? [String: Any] { return [object] }
        if let list = parsed as? [[String: Any]] { return list }
        throw ProbeError("\(QuotedValue.quote(text)) is not a JSON object or a list of objects")
    }

    private static func string(_ object: [String: Any], _ key: String) throws(ProbeError) -> String? {
        guard let raw = object[key] else { return nil }
        guard let s = raw as? String else { throw ProbeError("\"\(key)\" must be a string") }
        return s
    }

    private static func hexID(_ object: [String: Any], _ key: String, wildcard: Bool) throws(ProbeError) -> String? {
        guard let s = try string(object, key) else { return nil }
        if wildcard, s == "*" { return s }
        var digits = Substring(s.lowercased())
        if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, digits.count <= 4, Int(digits, radix: 16) != nil else {
            throw ProbeError("\"\(key)\": \(QuotedValue.quote(s)) is not a 4-digit hex id")
        }
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    static func deviceSpec(_ object: [String: Any]) throws(ProbeError) -> PCIDeviceSpec {
        var spec = PCIDeviceSpec()
        spec.vendorID = try hexID(object, "vendor_id", wildcard: true)
        spec.productID = try hexID(object, "product_id", wildcard: true)
        spec.devname = try string(object, "devname")
        spec.physicalNetwork = try string(object, "physical_network")
        spec.resourceClass = try string(object, "resource_class")
        if let raw = object["address"] {
            if let s = raw as? String {
                guard let pattern = PCIDeviceSpec.parseGlob(s) else {
                    throw ProbeError("\"address\": \(QuotedValue.quote(s)) is not a PCI address pattern")
                }
                spec.address = pattern
            } else if let dict = raw as? [String: Any] {
                var parts: [String?] = []
                for key in ["domain", "bus", "slot", "function"] {
                    let v = try string(dict, key)
                    if let v, (try? Regex(v)) == nil {
                        throw ProbeError("\"address\".\"\(key)\": \(QuotedValue.quote(v)) is not a regular expression")
                    }
                    parts.append(v)
                }
                spec.address = .regex(domain: parts[0], bus: parts[1], slot: parts[2], function: parts[3])
            } else {
                throw ProbeError("\"address\" must be a string or an object")
            }
        }
        if spec.address != nil, spec.devname != nil {
            throw ProbeError("a device_spec gives both \"address\" and \"devname\"; Nova allows one")
        }
        return spec
    }

    static func alias(_ object: [String: Any]) throws(ProbeError) -> PCIAlias {
        guard let name = try string(object, "name"), !name.isEmpty else {
            throw ProbeError("an alias needs a \"name\"")
        }
        var deviceType: PCIDeviceType?
        if let t = try string(object, "device_type") {
            guard let dt = PCIDeviceType(rawValue: t) else {
                throw ProbeError("\"device_type\": \(QuotedValue.quote(t)) is not type-PCI, type-PF or type-VF")
            }
            deviceType = dt
        }
        var policy: PCINUMAPolicy?
        if let p = try string(object, "numa_policy") {
            guard let np = PCINUMAPolicy(rawValue: p) else {
                throw ProbeError("\"numa_policy\": \(QuotedValue.quote(p)) is not required, legacy, preferred or socket")
            }
            policy = np
        }
        return PCIAlias(name: name, vendorID: try hexID(object, "vendor_id", wildcard: false),
                        productID: try hexID(object, "product_id", wildcard: false),
                        deviceType: deviceType, numaPolicy: policy)
    }
}
