extension Request {
    /// Reads a request straight from its parsed JSON when every field is
    /// plainly well formed; nil otherwise, and `ContractJSON` decodes it
    /// with Foundation's JSONDecoder, which names any problem. It must build
    /// the same value and accept nothing JSONDecoder refuses
    /// (FitJSONDecodingTests compares them on the corpus).
    static func fastDecode(_ json: JSONValue) -> Request? {
        guard case .object(let members) = json else { return nil }
        // A repeated key: left to the general path, which refuses it naming
        // its path.
        guard !hasRepeatedKey(members) else { return nil }
        var vcpus: Int?, memory: Int?
        var r = Request(vcpus: 0, memoryMB: 0)
        for (key, value) in members {
            if case .null = value {
                if key == "vcpus" || key == "memory_mb" { return nil }
                continue
            }
            switch key {
            case "vcpus": guard let v = Self.count(value) else { return nil }; vcpus = v
            case "memory_mb": guard let v = Self.count(value) else { return nil }; memory = v
            case "cpu_policy":
                guard case .string(let s) = value, let p = CPUPolicy(rawValue: s) else { return nil }
                r.cpuPolicy = p
            case "cpu_thread_policy":
                guard case .string(let s) = value, let p = CPUThreadPolicy(rawValue: s) else { return nil }
                r.cpuThreadPolicy = p
            case "emulator_threads_policy":
                guard case .string(let s) = value, let p = EmulatorThreadsPolicy(rawValue: s) else { return nil }
                r.emulatorThreadsPolicy = p
            case "cpu_dedicated_mask":
                guard let spec = guestCPUs(value) else { return nil }
                r.cpuDedicatedMask = spec
            case "numa_nodes": guard let v = Self.count(value) else { return nil }; r.numaNodes = v
            case "numa_cpus":
                switch value {
                case .intArray(let ids): r.numaCPUs = ids.map { .list([$0]) }
                case .array(let items):
                    var specs: [GuestCPUSpec] = []
                    for item in items {
                        guard let spec = guestCPUs(item) else { return nil }
                        specs.append(spec)
                    }
                    r.numaCPUs = specs
                default: return nil
                }
            case "numa_mem_mb":
                guard case .intArray(let mems) = value, mems.allSatisfy({ $0 >= 0 && $0 <= ContractLimits.maxCount }) else { return nil }
                r.numaMemMB = mems
            case "mem_page_size":
                switch value {
                case .int(let k) where k > 0 && k <= ContractLimits.maxPageSizeKB: r.memPageSize = .kib(k)
                case .string(let s):
                    guard let p = PageSizeRequest(text: s) else { return nil }
                    r.memPageSize = p
                default: return nil
                }
            case "pci_requests":
                guard let items = value.arrayItems else { return nil }
                for item in items {
                    guard let spec = pciRequest(item) else { return nil }
                    r.pciRequests.append(spec)
                }
            default:
                continue
            }
        }
        guard let vcpus, let memory else { return nil }
        r.vcpus = vcpus
        r.memoryMB = memory
        return r
    }

    /// Whether a member name appears twice. A request object has about a
    /// dozen members: comparing pairs is cheaper than hashing them into a
    /// Set (which cost a tenth of a batch's request reading).
    private static func hasRepeatedKey(_ members: [(key: String, value: JSONValue)]) -> Bool {
        for i in members.indices {
            for j in members.indices where j < i && members[j].key == members[i].key { return true }
        }
        return false
    }

    /// A non-negative integer written as an integer.
    private static func count(_ v: JSONValue) -> Int? {
        guard case .int(let i) = v, i >= 0, i <= ContractLimits.maxCount else { return nil }
        return i
    }

    private static func guestCPUs(_ v: JSONValue) -> GuestCPUSpec? {
        switch v {
        case .int(let i): return .list([i])
        case .intArray(let ids): return .list(ids)
        case .string(let s): return .text(s)
        default: return nil
        }
    }

    private static func pciRequest(_ v: JSONValue) -> PCIRequestSpec? {
        guard case .object(let members) = v, !hasRepeatedKey(members) else { return nil }
        var spec = PCIRequestSpec()
        var deviceType: JSONValue?, devType: JSONValue?
        for (key, value) in members {
            if case .null = value { continue }
            switch key {
            case "alias": guard case .string(let s) = value else { return nil }; spec.alias = s
            case "vendor_id": guard case .string(let s) = value else { return nil }; spec.vendorID = s
            case "product_id": guard case .string(let s) = value else { return nil }; spec.productID = s
            case "physical_network": guard case .string(let s) = value else { return nil }; spec.physicalNetwork = s
            case "device_type": deviceType = value
            case "dev_type": devType = value
            case "numa_policy":
                guard case .string(let s) = value, let p = PCINUMAPolicy(rawValue: s) else { return nil }
                spec.numaPolicy = p
            case "count": guard let c = Self.count(value) else { return nil }; spec.count = c
            default: continue
            }
        }
        // `device_type` wins; `dev_type` is read only without it, as the
        // Decodable path does.
        if let t = deviceType ?? devType {
            guard case .string(let s) = t, let type = PCIDeviceType(rawValue: s) else { return nil }
            spec.deviceType = type
        }
        return spec
    }
}
