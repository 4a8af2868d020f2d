import TrackerCore

/// Reads the resources a libvirt state file promises out of its element
/// tree, strictly: a number that is not one, a vCPU id beyond the domain's
/// vCPUs or a missing attribute the reading depends on is a problem named
/// with the element, and the file is not used (half a domain would show
/// wrong pins as if they were right).
enum LibvirtDomainParser {
    static let novaNamespace = "http://openstack.org/xmlns/libvirt/nova/1.1"
    /// More vCPUs than any QEMU machine type accepts.
    static let maxVCPUs = 16_384

    static func parse(_ bytes: [UInt8]) -> Result<LibvirtStateFile, LibvirtFileProblem> {
        switch LibvirtXMLTreeBuilder.parse(bytes) {
        case .failure(let problem): return .failure(problem)
        case .success(let tree):
            do {
                return .success(try parse(tree))
            } catch {
                return .failure(error)
            }
        }
    }

    static func parse(_ root: LibvirtXMLNode) throws(LibvirtFileProblem) -> LibvirtStateFile {
        switch root.name {
        case "domain":
            return LibvirtStateFile(domain: try domain(root), domstatus: nil)
        case "domstatus":
            guard let live = root.child("domain") else { throw LibvirtFileProblem("has a <domstatus> without the <domain> inside") }
            let domain = try domain(live)
            return LibvirtStateFile(domain: domain, domstatus: try domstatus(root, vcpuCount: domain.vcpuCount))
        default:
            throw LibvirtFileProblem("has <\(SafeText.strip(String(root.name.prefix(40))))> at the top, not a libvirt <domain> or <domstatus>")
        }
    }

    static func domstatus(_ node: LibvirtXMLNode, vcpuCount: Int) throws(LibvirtFileProblem) -> LibvirtDomstatus {
        let pidText = try attribute(node, "pid", of: "domstatus")
        guard let pid = Int32(pidText), pid > 0 else {
            throw LibvirtFileProblem("has <domstatus pid='\(quote(pidText))'>, not a process id")
        }
        var threads: [Int: Int32] = [:]
        for vcpu in node.child("vcpus")?.children("vcpu") ?? [] {
            let id = try number(vcpu, "id", of: "vcpus/vcpu", below: vcpuCount, what: "the domain's \(vcpuCount) vCPUs")
            let tidText = try attribute(vcpu, "pid", of: "vcpus/vcpu")
            guard let tid = Int32(tidText), tid > 0 else {
                throw LibvirtFileProblem("has <vcpu id='\(id)' pid='\(quote(tidText))'> in <domstatus>, not a thread id")
            }
            threads[id] = tid
        }
        return LibvirtDomstatus(pid: pid, state: node.attributes["state"].map { SafeText.strip($0) }, vcpuThreads: threads)
    }

    static func domain(_ d: LibvirtXMLNode) throws(LibvirtFileProblem) -> LibvirtDomain {
        guard let nameNode = d.child("name"), !nameNode.trimmedText.isEmpty else { throw LibvirtFileProblem("has no <name>") }
        guard let uuidNode = d.child("uuid") else { throw LibvirtFileProblem("has no <uuid>") }
        guard let uuid = canonicalUUID(uuidNode.trimmedText) else {
            throw LibvirtFileProblem("has <uuid>\(quote(uuidNode.trimmedText))</uuid>, not a UUID")
        }
        var domainID: Int?
        if let idText = d.attributes["id"] {
            guard let id = Int(idText), id >= -1 else { throw LibvirtFileProblem("has <domain id='\(quote(idText))'>, not a domain id") }
            domainID = id > 0 ? id : nil
        }
        guard let memoryNode = d.child("memory") else { throw LibvirtFileProblem("has no <memory>") }
        guard let memoryKiB = LibvirtSize.kib(memoryNode.trimmedText, unit: memoryNode.attributes["unit"]) else {
            throw LibvirtFileProblem("has <memory unit='\(quote(memoryNode.attributes["unit"] ?? "KiB"))'>\(quote(memoryNode.trimmedText))</memory>, not a memory size")
        }
        guard let vcpuNode = d.child("vcpu") else { throw LibvirtFileProblem("has no <vcpu>") }
        guard let vcpuCount = Int(vcpuNode.trimmedText), vcpuCount > 0, vcpuCount <= maxVCPUs else {
            throw LibvirtFileProblem("has <vcpu>\(quote(vcpuNode.trimmedText))</vcpu>, not a vCPU count (1 to \(maxVCPUs))")
        }
        let vcpuCPUSet = try vcpuNode.attributes["cpuset"].map { t throws(LibvirtFileProblem) in try cpus(t, "vcpu cpuset") }

        var pins: [Int: CPUSet] = [:], iothreadPins: [Int: CPUSet] = [:]
        var emulatorPin: CPUSet?
        if let tune = d.child("cputune") {
            for pin in tune.children("vcpupin") {
                let v = try number(pin, "vcpu", of: "vcpupin", below: vcpuCount, what: "the domain's \(vcpuCount) vCPUs")
                pins[v] = try cpus(try attribute(pin, "cpuset", of: "vcpupin"), "vcpupin vcpu='\(v)' cpuset")
            }
            if let pin = tune.child("emulatorpin") {
                emulatorPin = try cpus(try attribute(pin, "cpuset", of: "emulatorpin"), "emulatorpin cpuset")
            }
            for pin in tune.children("iothreadpin") {
                let t = try number(pin, "iothread", of: "iothreadpin", below: maxVCPUs, what: "\(maxVCPUs) I/O threads")
                iothreadPins[t] = try cpus(try attribute(pin, "cpuset", of: "iothreadpin"), "iothreadpin iothread='\(t)' cpuset")
            }
        }

        var memoryNodes: CPUSet?, memnodes: [Int: CPUSet] = [:]
        if let tune = d.child("numatune") {
            if let memory = tune.child("memory"), let nodeset = memory.attributes["nodeset"] {
                memoryNodes = try cpus(nodeset, "numatune memory nodeset")
            }
            for node in tune.children("memnode") {
                let cell = try number(node, "cellid", of: "memnode", below: maxVCPUs, what: "\(maxVCPUs) guest cells")
                memnodes[cell] = try cpus(try attribute(node, "nodeset", of: "memnode"), "memnode cellid='\(cell)' nodeset")
            }
        }

        var guestCells: [Int: Int] = [:]
        for cell in d.path("cpu", "numa")?.children("cell") ?? [] {
            let id = try number(cell, "id", of: "cpu/numa/cell", below: maxVCPUs, what: "\(maxVCPUs) guest cells")
            let memory = try attribute(cell, "memory", of: "cpu/numa/cell")
            guard let kib = LibvirtSize.kib(memory, unit: cell.attributes["unit"]) else {
                throw LibvirtFileProblem("has <cell id='\(id)' memory='\(quote(memory))' unit='\(quote(cell.attributes["unit"] ?? "KiB"))'>, not a memory size")
            }
            guestCells[id] = kib
        }

        var pages: [LibvirtDomain.Page] = []
        for page in d.path("memoryBacking", "hugepages")?.children("page") ?? [] {
            let size = try attribute(page, "size", of: "hugepages/page")
            guard let kib = LibvirtSize.kib(size, unit: page.attributes["unit"]), kib > 0 else {
                throw LibvirtFileProblem("has <page size='\(quote(size))' unit='\(quote(page.attributes["unit"] ?? "KiB"))'>, not a page size")
            }
            let cells = try page.attributes["nodeset"].map { t throws(LibvirtFileProblem) in try cpus(t, "hugepages page nodeset") }
            pages.append(LibvirtDomain.Page(sizeKiB: kib, guestCells: cells))
        }

        var pci: [LibvirtDomain.PCI] = []
        for device in d.child("devices")?.children ?? [] {
            let isHostdev = device.name == "hostdev" && device.attributes["type"] == "pci"
            let isInterface = device.name == "interface" && device.attributes["type"] == "hostdev"
            guard isHostdev || isInterface, let source = device.child("source") else { continue }
            guard let address = source.child("address") else {
                throw LibvirtFileProblem("has a <\(device.name)> whose <source> has no <address>")
            }
            pci.append(LibvirtDomain.PCI(address: try pciAddress(address, in: device.name), asInterface: isInterface))
        }

        return LibvirtDomain(uuid: uuid, name: SafeText.strip(nameNode.trimmedText), domainID: domainID, memoryKiB: memoryKiB,
                             vcpuCount: vcpuCount, vcpuCPUSet: vcpuCPUSet, vcpuPins: pins, emulatorPin: emulatorPin,
                             iothreadPins: iothreadPins, memoryNodes: memoryNodes, memnodes: memnodes, guestCells: guestCells,
                             pages: pages, pci: pci, nova: nova(d))
    }

    /// `<metadata><nova:instance>`, whatever prefix the namespace has.
    static func nova(_ d: LibvirtXMLNode) -> LibvirtDomain.Nova? {
        guard let instance = d.child("metadata")?.child("instance", namespace: novaNamespace) else { return nil }
        func text(_ node: LibvirtXMLNode?) -> String? {
            guard let node else { return nil }
            let t = SafeText.strip(node.trimmedText)
            return t.isEmpty ? nil : t
        }
        let flavor = instance.child("flavor", namespace: novaNamespace)
        var specs: [String: String] = [:]
        for spec in flavor?.child("extraSpecs", namespace: novaNamespace)?.children("extraSpec", namespace: novaNamespace) ?? [] {
            if let name = spec.attributes["name"] { specs[SafeText.strip(name)] = SafeText.strip(spec.trimmedText) }
        }
        return LibvirtDomain.Nova(
            instanceName: text(instance.child("name", namespace: novaNamespace)),
            flavor: flavor?.attributes["name"].map { SafeText.strip($0) },
            project: text(instance.child("owner", namespace: novaNamespace)?.child("project", namespace: novaNamespace)),
            extraSpecs: specs)
    }

    /// `0000:60:02.1` from `<address domain='0x0000' bus='0x60' slot='0x02'
    /// function='0x1'/>` (libvirt also accepts decimal).
    static func pciAddress(_ a: LibvirtXMLNode, in element: String) throws(LibvirtFileProblem) -> String {
        var parts: [Int] = []
        for (key, limit) in [("domain", 0xFFFF), ("bus", 0xFF), ("slot", 0x1F), ("function", 0x7)] {
            guard let text = a.attributes[key] else {
                throw LibvirtFileProblem("has a <\(element)> source <address> without '\(key)'")
            }
            let value: Int?
            if text.hasPrefix("0x") || text.hasPrefix("0X") {
                value = text.count > 2 && text.count <= 10 ? Int(text.dropFirst(2), radix: 16) : nil
            } else {
                value = text.count <= 10 ? Int(text) : nil
            }
            guard let value, value >= 0, value <= limit else {
                throw LibvirtFileProblem("has a <\(element)> source address \(key)='\(quote(text))', not a PCI \(key) (0 to 0x\(String(limit, radix: 16)))")
            }
            parts.append(value)
        }
        func hex(_ v: Int, _ width: Int) -> String {
            let h = String(v, radix: 16)
            return String(repeating: "0", count: max(0, width - h.count)) + h
        }
        return "\(hex(parts[0], 4)):\(hex(parts[1], 2)):\(hex(parts[2], 2)).\(hex(parts[3], 1))"
    }

    static func attribute(_ node: LibvirtXMLNode, _ key: String, of element: String) throws(LibvirtFileProblem) -> String {
        guard let value = node.attributes[key] else { throw LibvirtFileProblem("has a <\(element)> without '\(key)'") }
        return value
    }

    /// A non-negative integer attribute below `limit`.
    static func number(_ node: LibvirtXMLNode, _ key: String, of element: String, below limit: Int,
                       what: String) throws(LibvirtFileProblem) -> Int {
        let text = try attribute(node, key, of: element)
        guard text.count <= 12, let n = Int(text), n >= 0 else {
            throw LibvirtFileProblem("has <\(element) \(key)='\(quote(text))'>, not a number")
        }
        guard n < limit else { throw LibvirtFileProblem("has <\(element) \(key)='\(n)'>, beyond \(what)") }
        return n
    }

    /// A libvirt cpuset/nodeset (`0-3,^2,8`: Nova's spec syntax).
    static func cpus(_ text: String, _ what: String) throws(LibvirtFileProblem) -> CPUSet {
        do {
            return try CPUSet(novaSpec: text)
        } catch {
            throw LibvirtFileProblem("has \(what)='\(quote(text))', not a CPU list (\(SafeText.strip(error.problem)))")
        }
    }

    /// The 8-4-4-4-12 hex form in lowercase (libvirt also accepts it
    /// without dashes), or nil.
    static func canonicalUUID(_ text: String) -> String? {
        let hex = text.lowercased().filter { $0 != "-" }
        guard hex.count == 32, hex.allSatisfy({ $0.isHexDigit && $0.isASCII }),
              text.count == 32 || text.count == 36 else { return nil }
        let h = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(h[$0]) }.joined(separator: "-")
    }

    /// Host text for a message: no controls, at most 60 characters.
    static func quote(_ text: String) -> String {
        let safe = SafeText.strip(text)
        return safe.count > 60 ? String(safe.prefix(60)) + "…" : safe
    }
}
