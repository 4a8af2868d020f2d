import TrackerCore

/// CPU topology from `sys/devices/system/cpu` under the reader's root.
public enum CPUTopologyProbe {
    static let cpuDir = "sys/devices/system/cpu"

    /// `cache`: the topology kept from earlier polls by a long-lived caller
    /// (see `CPUTopologyCache`); nil reads every CPU's files.
    public static func probe(_ reader: SysfsReader, warnings: inout ProbeWarnings,
                             cache: CPUTopologyCache? = nil) -> CPUTopology {
        guard let cache else { return read(reader, warnings: &warnings) }
        let key = cacheKey(reader)
        if let key, let kept = cache.topology(for: key) { return kept }
        let before = warnings.sentences.count
        let topology = read(reader, warnings: &warnings)
        // Taken before the read: a CPU going offline during it makes the
        // next poll a miss, never a topology kept under the newer key.
        cache.keep(warnings.sentences.count == before ? topology : nil, key: key)
        return topology
    }

    /// The bytes the cache is keyed on; nil when `present` or `online`
    /// cannot be read (the topology then comes from files with no stamp)
    /// or `isolated` cannot be read though it exists.
    private static func cacheKey(_ reader: SysfsReader) -> CPUTopologyCache.Key? {
        guard case .success(let present) = reader.bytes("\(cpuDir)/present"),
              case .success(let online) = reader.bytes("\(cpuDir)/online") else { return nil }
        switch reader.bytes("\(cpuDir)/isolated") {
        case .success(let isolated): return CPUTopologyCache.Key(present: present, online: online, isolated: isolated)
        case .failure(.missing): return CPUTopologyCache.Key(present: present, online: online, isolated: nil)
        case .failure: return nil
        }
    }

    private static func read(_ reader: SysfsReader, warnings: inout ProbeWarnings) -> CPUTopology {
        let values = SysfsValues(reader: reader)
        let dirs = CPUSet((reader.list(cpuDir) ?? []).compactMap { name -> Int? in
            guard name.hasPrefix("cpu"), let id = Int(name.dropFirst(3)), id >= 0, id <= CPUSet.maxCPUId else { return nil }
            return id
        })

        let present = values.cpulist("\(cpuDir)/present", warnings: &warnings, assumed: "the cpuN directories are present")
            ?? dirs
        let online = onlineCPUs(present: present, dirs: dirs, reader: reader, values: values, warnings: &warnings)
        // An absent `isolated` file (kernels before 4.x) means none isolated.
        let isolated = values.cpulist("\(cpuDir)/isolated", warnings: &warnings, assumed: "no CPU is isolated") ?? []

        var socket: [Int: Int] = [:]
        var groups: [CPUSet] = []
        var grouped = CPUSet()
        for cpu in online {
            let topo = "\(cpuDir)/cpu\(cpu)/topology"
            if let pkg = values.int("\(topo)/physical_package_id", warnings: &warnings, assumed: "its socket is unknown"),
               pkg >= 0 {
                socket[cpu] = pkg
            }
            guard !grouped.contains(cpu) else { continue }
            var group = values.cpulist("\(topo)/thread_siblings_list", warnings: &warnings,
                                       assumed: "the thread_siblings mask")
                ?? values.cpumask("\(topo)/thread_siblings", warnings: &warnings, assumed: "CPU \(cpu) is a core of its own")
                ?? [cpu]
            // Offline siblings cannot be used, and groups stay disjoint even
            // if two CPUs' files disagree (the contract refuses overlaps).
            group = group.intersection(online).subtracting(grouped)
            group.insert(cpu)
            grouped.formUnion(group)
            groups.append(group)
        }
        return CPUTopology(present: present, online: online, isolated: isolated, socket: socket, siblingGroups: groups)
    }

    /// `online`, else each CPU's own `online` file (a CPU without one, like
    /// cpu0 on x86, cannot be taken offline), else every present CPU.
    private static func onlineCPUs(present: CPUSet, dirs: CPUSet, reader: SysfsReader, values: SysfsValues,
                                   warnings: inout ProbeWarnings) -> CPUSet {
        if let online = values.cpulist("\(cpuDir)/online", warnings: &warnings, assumed: "each CPU's own online file") {
            return online
        }
        var online = CPUSet()
        for cpu in present {
            let state = values.int("\(cpuDir)/cpu\(cpu)/online", warnings: &warnings, assumed: "CPU \(cpu) is online")
            if state != 0 { online.insert(cpu) }
        }
        return online
    }
}
