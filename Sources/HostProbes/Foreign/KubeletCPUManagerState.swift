import TrackerCore

/// `var/lib/kubelet/cpu_manager_state`, the CPU manager's checkpoint
/// (`pkg/kubelet/cm/cpumanager/state/checkpoint.go`), in any format the
/// kubelet writes: v1 (`entries` container id → cpuset), v2 (`entries`
/// pod → container → cpuset), v3 (v2 + `podEntries` pod → `{cpuSet}`), v4
/// (the v3 fields as JSON text in `data`, `dataChecksum` over it, legacy
/// `checksum` 0). The exclusive CPUs it assigns are read against the host.
struct KubeletCPUManagerState: Hashable, Sendable {
    var policyName = ""
    /// The shared pool: CPUs no container holds exclusively.
    var defaultCPUSet = CPUSet()
    /// v2+: pod uid → container name → its exclusive CPUs.
    var containers: [String: [String: CPUSet]] = [:]
    /// v1: container id → its exclusive CPUs (v1 names no pod).
    var containerIDs: [String: CPUSet] = [:]
    /// v3+: pod uid → the CPUs assigned to the pod as a whole.
    var pods: [String: CPUSet] = [:]
    var verification = KubeletVerification.notChecked

    static func parse(_ bytes: [UInt8], hostMaxCPU: Int) throws(KubeletFileError) -> KubeletCPUManagerState {
        let members = try KubeletJSON.document(bytes, "")
        if let wrapped = try KubeletEnvelope.data(members) {
            var parsed = try Parsed(wrapped.document, prefix: "data", hostMaxCPU: hostMaxCPU)
            parsed.state.verification = wrapped.verification
            return parsed.state
        }
        var parsed = try Parsed(members, prefix: "", hostMaxCPU: hostMaxCPU)
        let names = parsed.versions.flatMap { [("CPUManagerCheckpoint", $0), ("CPUManagerCheckpointV\($0)", $0)] }
        if let verdict = try KubeletEnvelope.legacy(members, names: names,
                                                    dump: { parsed.checkpoint(name: $0, version: $1) }) {
            parsed.state.verification = verdict
        }
        return parsed.state
    }

    /// The content, and the pieces of the Go struct the legacy checksum hashes.
    private struct Parsed {
        var state = KubeletCPUManagerState()
        var policyText = ""
        var defaultText = ""
        /// `Entries` as the v1 and v2/v3 structs hold it (nil: not that shape).
        var entriesV1: GoSpewValue?
        var entriesV2: GoSpewValue?
        var podEntries: GoSpewValue = .map(type: "state.PodCPUAssignments", [])

        /// The struct versions the entries' shape allows.
        var versions: [Int] {
            (entriesV1 != nil ? [1] : []) + (entriesV2 != nil ? [2, 3] : [])
        }

        init(_ members: KubeletJSON.Members, prefix: String, hostMaxCPU: Int) throws(KubeletFileError) {
            let policyField = KubeletJSON.join(prefix, "policyName")
            policyText = try KubeletJSON.string(KubeletJSON.field(members, "policyName", in: prefix), policyField) ?? ""
            state.policyName = policyText
            let defaultField = KubeletJSON.join(prefix, "defaultCpuSet")
            defaultText = try KubeletJSON.string(KubeletJSON.field(members, "defaultCpuSet", in: prefix), defaultField) ?? ""
            state.defaultCPUSet = try KubeletCPUSetText.parse(defaultText, hostMaxCPU: hostMaxCPU, field: defaultField)
            try readEntries(KubeletJSON.field(members, "entries", in: prefix), KubeletJSON.join(prefix, "entries"), hostMaxCPU)
            try readPodEntries(KubeletJSON.field(members, "podEntries", in: prefix), KubeletJSON.join(prefix, "podEntries"), hostMaxCPU)
        }

        /// The kubelet starts from an empty map, so an absent `entries`
        /// hashes as `map[]` and an explicit `null` as `<nil>`.
        private mutating func readEntries(_ value: JSONValue?, _ field: String, _ hostMaxCPU: Int) throws(KubeletFileError) {
            let v1Type = "map[string]string", v2Type = "map[string]map[string]string"
            guard let value else {
                entriesV1 = .map(type: v1Type, [])
                entriesV2 = .map(type: v2Type, [])
                return
            }
            guard let pods = try KubeletJSON.mapMembers(value, field) else {
                entriesV1 = .map(type: v1Type, nil)
                entriesV2 = .map(type: v2Type, nil)
                return
            }
            if pods.isEmpty {
                entriesV1 = .map(type: v1Type, [])
                entriesV2 = .map(type: v2Type, [])
                return
            }
            let v1 = pods.allSatisfy { if case .string = $0.value { return true } else { return $0.value == .null } }
            if v1 {
                var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
                for (id, v) in pods {
                    let f = KubeletFileError.path(field, id)
                    let text = try KubeletJSON.string(v, f) ?? ""
                    state.containerIDs[id] = try KubeletCPUSetText.parse(text, hostMaxCPU: hostMaxCPU, field: f)
                    pairs.append((.string(type: "string", id), .string(type: "string", text)))
                }
                entriesV1 = .map(type: v1Type, pairs)
                return
            }
            var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
            for (pod, v) in pods {
                let podField = KubeletFileError.path(field, pod)
                guard case .object = v else {
                    guard v == .null else {
                        throw KubeletFileError(podField, "is \(KubeletJSON.kind(v)), not a map of container → cpuset "
                                               + "(entries mix the v1 and v2 formats)")
                    }
                    pairs.append((.string(type: "string", pod), .map(type: "map[string]string", nil)))
                    continue
                }
                var inner: [(key: GoSpewValue, value: GoSpewValue)] = []
                var cpus: [String: CPUSet] = [:]
                for (container, c) in try KubeletJSON.mapMembers(v, podField) ?? [] {
                    let f = KubeletFileError.path(podField, container)
                    let text = try KubeletJSON.string(c, f) ?? ""
                    cpus[container] = try KubeletCPUSetText.parse(text, hostMaxCPU: hostMaxCPU, field: f)
                    inner.append((.string(type: "string", container), .string(type: "string", text)))
                }
                state.containers[pod, default: [:]].merge(cpus) { $1 }
                pairs.append((.string(type: "string", pod), .map(type: "map[string]string", inner)))
            }
            entriesV2 = .map(type: v2Type, pairs)
        }

        /// `podEntries`: pod → `{"cpuSet": "7-9"}`, hashed as the parsed
        /// `cpuset.CPUSet` (its `elems map[int]struct {}`).
        private mutating func readPodEntries(_ value: JSONValue?, _ field: String, _ hostMaxCPU: Int) throws(KubeletFileError) {
            let type = "state.PodCPUAssignments"
            guard let value else { return }
            guard let pods = try KubeletJSON.mapMembers(value, field) else {
                podEntries = .map(type: type, nil)
                return
            }
            var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
            for (pod, v) in pods {
                let podField = KubeletFileError.path(field, pod)
                let entry = try KubeletJSON.object(v, podField) ?? []
                let f = KubeletJSON.join(podField, "cpuSet")
                let text = try KubeletJSON.string(KubeletJSON.field(entry, "cpuSet", in: podField), f) ?? ""
                let cpus = try KubeletCPUSetText.parse(text, hostMaxCPU: hostMaxCPU, field: f)
                state.pods[pod] = cpus
                let elems = cpus.sorted.map { (key: GoSpewValue.int(type: "int", Int64($0)),
                                               value: GoSpewValue.structure(type: "struct {}", fields: [])) }
                let set = GoSpewValue.structure(type: "cpuset.CPUSet", fields: [("elems", .map(type: "map[int]struct {}", elems))])
                pairs.append((.string(type: "string", pod), .structure(type: "state.PodEntry", fields: [("CPUSet", set)])))
            }
            podEntries = .map(type: type, pairs)
        }

        /// `*state.<name>` as version `version` of the struct holds this content.
        func checkpoint(name: String, version: Int) -> GoSpewValue {
            var fields: [(name: String, value: GoSpewValue)] = [
                ("PolicyName", .string(type: "string", policyText)),
                ("DefaultCPUSet", .string(type: "string", defaultText)),
            ]
            let entries = version == 1 ? entriesV1 : entriesV2
            fields.append(("Entries", entries ?? .map(type: "map[string]string", nil)))
            if version == 3 { fields.append(("PodEntries", podEntries)) }
            fields.append(("Checksum", .uint(type: "checksum.Checksum", 0)))
            return .pointer(type: "*state." + name, .structure(type: "state." + name, fields: fields))
        }
    }
}
