import TrackerCore

/// `var/lib/kubelet/memory_manager_state`, the memory manager's checkpoint
/// (`pkg/kubelet/cm/memorymanager/state/checkpoint.go`): v1 (`machineState`
/// per node, `entries` pod → container → blocks), v2 (v1 + `podEntries`
/// pod → `{memoryBlocks}`), v3 (the payload as JSON text in `data` with
/// `dataChecksum` over it, beside the v1 fields with a valid v1 checksum).
struct KubeletMemoryManagerState: Hashable, Sendable {
    var policyName = ""
    /// pod uid → container name → its blocks.
    var containers: [String: [String: [KubeletMemoryBlock]]] = [:]
    /// v2+: pod uid → blocks assigned to the pod as a whole.
    var pods: [String: [KubeletMemoryBlock]] = [:]
    var verification = KubeletVerification.notChecked

    static func parse(_ bytes: [UInt8], limits: KubeletHostLimits) throws(KubeletFileError) -> KubeletMemoryManagerState {
        let members = try KubeletJSON.document(bytes, "")
        if let wrapped = try KubeletEnvelope.data(members) {
            var parsed = try Parsed(wrapped.document, prefix: "data", limits: limits)
            parsed.state.verification = wrapped.verification
            return parsed.state
        }
        var parsed = try Parsed(members, prefix: "", limits: limits)
        if let verdict = try KubeletEnvelope.legacy(members, names: [1, 2].flatMap { [("MemoryManagerCheckpoint", $0), ("MemoryManagerCheckpointV\($0)", $0)] },
                                                    dump: { parsed.checkpoint(name: $0, version: $1) }) {
            parsed.state.verification = verdict
        }
        return parsed.state
    }

    /// The content and the Go values the legacy checksum hashes; absent
    /// maps hash as the kubelet's initial empty ones, `null` as nil.
    private struct Parsed {
        var state = KubeletMemoryManagerState()
        var machineState: GoSpewValue = .map(type: "state.NUMANodeMap", [])
        var entries: GoSpewValue = .map(type: "state.ContainerMemoryAssignments", [])
        var podEntries: GoSpewValue = .map(type: "state.PodMemoryAssignments", [])

        init(_ members: KubeletJSON.Members, prefix: String, limits: KubeletHostLimits) throws(KubeletFileError) {
            state.policyName = try KubeletJSON.string(KubeletJSON.field(members, "policyName", in: prefix),
                                                      KubeletJSON.join(prefix, "policyName")) ?? ""
            if let v = try KubeletJSON.field(members, "machineState", in: prefix) {
                machineState = try Self.machine(v, KubeletJSON.join(prefix, "machineState"))
            }
            if let v = try KubeletJSON.field(members, "entries", in: prefix) {
                try readEntries(v, KubeletJSON.join(prefix, "entries"), limits)
            }
            if let v = try KubeletJSON.field(members, "podEntries", in: prefix) {
                try readPodEntries(v, KubeletJSON.join(prefix, "podEntries"), limits)
            }
        }

        private mutating func readEntries(_ value: JSONValue, _ field: String, _ limits: KubeletHostLimits) throws(KubeletFileError) {
            let type = "state.ContainerMemoryAssignments"
            guard let pods = try KubeletJSON.mapMembers(value, field) else {
                entries = .map(type: type, nil)
                return
            }
            var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
            for (pod, v) in pods {
                let podField = KubeletFileError.path(field, pod)
                guard let containers = try KubeletJSON.mapMembers(v, podField) else {
                    pairs.append((.string(type: "string", pod), .map(type: "map[string][]state.Block", nil)))
                    continue
                }
                var inner: [(key: GoSpewValue, value: GoSpewValue)] = []
                for (container, c) in containers {
                    let f = KubeletFileError.path(podField, container)
                    let blocks = try Self.blocks(c, f, limits)
                    state.containers[pod, default: [:]][container] = blocks ?? []
                    inner.append((.string(type: "string", container), KubeletMemoryBlock.spew(blocks)))
                }
                pairs.append((.string(type: "string", pod), .map(type: "map[string][]state.Block", inner)))
            }
            entries = .map(type: type, pairs)
        }

        private mutating func readPodEntries(_ value: JSONValue, _ field: String, _ limits: KubeletHostLimits) throws(KubeletFileError) {
            let type = "state.PodMemoryAssignments"
            guard let pods = try KubeletJSON.mapMembers(value, field) else {
                podEntries = .map(type: type, nil)
                return
            }
            var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
            for (pod, v) in pods {
                let podField = KubeletFileError.path(field, pod)
                let entry = try KubeletJSON.object(v, podField) ?? []
                let f = KubeletJSON.join(podField, "memoryBlocks")
                let blocks = try Self.blocks(KubeletJSON.field(entry, "memoryBlocks", in: podField) ?? .null, f, limits)
                state.pods[pod] = blocks ?? []
                pairs.append((.string(type: "string", pod),
                              .structure(type: "state.PodEntry", fields: [("MemoryBlocks", KubeletMemoryBlock.spew(blocks))])))
            }
            podEntries = .map(type: type, pairs)
        }

        private static func blocks(_ value: JSONValue, _ field: String, _ limits: KubeletHostLimits) throws(KubeletFileError) -> [KubeletMemoryBlock]? {
            switch value {
            case .null: return nil
            case .intArray(let ints):
                guard ints.isEmpty else { throw KubeletFileError("\(field)[0]", "is a number, not a memory block") }
                return []
            case .array(let items):
                var out: [KubeletMemoryBlock] = []
                for (i, item) in items.enumerated() {
                    out.append(try KubeletMemoryBlock.parse(item, "\(field)[\(i)]", limits: limits))
                }
                return out
            default:
                throw KubeletFileError(field, "is \(KubeletJSON.kind(value)), not a list of memory blocks")
            }
        }

        /// `state.NUMANodeMap`: node → `*state.NUMANodeState`. Only hashed.
        private static func machine(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> GoSpewValue {
            let type = "state.NUMANodeMap"
            guard let nodes = try KubeletJSON.object(value, field) else { return .map(type: type, nil) }
            var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
            var seen = Set<Int64>()
            for (key, v) in nodes {
                let node = try KubeletJSON.intKey(key, field)
                let f = KubeletFileError.path(field, key)
                guard seen.insert(node).inserted else { throw KubeletFileError(f, "names a node already listed") }
                pairs.append((.int(type: "int", node), try nodeState(v, f)))
            }
            return .map(type: type, pairs)
        }

        private static func nodeState(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> GoSpewValue {
            let ptr = "*state.NUMANodeState"
            guard let m = try KubeletJSON.object(value, field) else { return .pointer(type: ptr, nil) }
            let n = try KubeletJSON.signed(KubeletJSON.field(m, "numberOfAssignments", in: field),
                                           KubeletJSON.join(field, "numberOfAssignments")) ?? 0
            let mapField = KubeletJSON.join(field, "memoryMap")
            var tables: [(key: GoSpewValue, value: GoSpewValue)]?
            if let mm = try KubeletJSON.field(m, "memoryMap", in: field), let members = try KubeletJSON.mapMembers(mm, mapField) {
                tables = []
                for (resource, t) in members {
                    tables?.append((.string(type: "v1.ResourceName", resource), try table(t, KubeletFileError.path(mapField, resource))))
                }
            }
            let cells = try KubeletJSON.ints(KubeletJSON.field(m, "cells", in: field), KubeletJSON.join(field, "cells"))
            return .pointer(type: ptr, .structure(type: "state.NUMANodeState", fields: [
                ("NumberOfAssignments", .int(type: "int", Int64(n))),
                ("MemoryMap", .map(type: "map[v1.ResourceName]*state.MemoryTable", tables)),
                ("Cells", .slice(type: "[]int", cells.map { $0.map { .int(type: "int", Int64($0)) } })),
            ]))
        }

        private static func table(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> GoSpewValue {
            let ptr = "*state.MemoryTable"
            guard let m = try KubeletJSON.object(value, field) else { return .pointer(type: ptr, nil) }
            var fields: [(name: String, value: GoSpewValue)] = []
            for (name, key) in [("TotalMemSize", "total"), ("SystemReserved", "systemReserved"),
                                ("Allocatable", "allocatable"), ("Reserved", "reserved"), ("Free", "free")] {
                let v = try KubeletJSON.unsigned(KubeletJSON.field(m, key, in: field), KubeletJSON.join(field, key)) ?? 0
                fields.append((name, .uint(type: "uint64", v)))
            }
            return .pointer(type: ptr, .structure(type: "state.MemoryTable", fields: fields))
        }

        func checkpoint(name: String, version: Int) -> GoSpewValue {
            var fields: [(name: String, value: GoSpewValue)] = [
                ("PolicyName", .string(type: "string", state.policyName)),
                ("MachineState", machineState),
                ("Entries", entries),
            ]
            if version == 2 { fields.append(("PodEntries", podEntries)) }
            fields.append(("Checksum", .uint(type: "checksum.Checksum", 0)))
            return .pointer(type: "*state." + name, .structure(type: "state." + name, fields: fields))
        }
    }
}
