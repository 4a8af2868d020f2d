import Foundation
import TrackerCore

/// `var/lib/kubelet/device-plugins/kubelet_internal_checkpoint`, the device
/// manager's checkpoint (`pkg/kubelet/cm/devicemanager/checkpoint`):
/// `Data.PodDeviceEntries` (pod, container, resource, device ids per NUMA
/// node, the plugin's allocate response) and `Data.RegisteredDevices`, with
/// `Checksum` = FNV-1a 32 of the go-spew dump of `Data`. Unlike the CPU and
/// memory managers, a 0 checksum is not accepted unchecked.
struct KubeletDeviceCheckpoint: Hashable, Sendable {
    var entries: [KubeletDeviceEntry] = []
    var registered: [String: [String]] = [:]
    var verification = KubeletVerification.notChecked

    static func parse(_ bytes: [UInt8]) throws(KubeletFileError) -> KubeletDeviceCheckpoint {
        let members = try KubeletJSON.document(bytes, "")
        var cp = KubeletDeviceCheckpoint()
        // The kubelet reads into an empty slice and map: absent fields hash
        // as `[]` and `map[]`, an explicit null as `<nil>`.
        var entriesSpew: GoSpewValue = .slice(type: "[]checkpoint.PodDevicesEntry", [])
        var registeredSpew: GoSpewValue = .map(type: "map[string][]string", [])
        if let dataValue = try KubeletJSON.field(members, "Data", in: ""), let data = try KubeletJSON.object(dataValue, "Data") {
            if let v = try KubeletJSON.field(data, "PodDeviceEntries", in: "Data") {
                entriesSpew = try cp.readEntries(v, "Data.PodDeviceEntries")
            }
            if let v = try KubeletJSON.field(data, "RegisteredDevices", in: "Data") {
                registeredSpew = try cp.readRegistered(v, "Data.RegisteredDevices")
            }
        }
        let stored = try KubeletJSON.unsigned(KubeletJSON.field(members, "Checksum", in: ""), "Checksum") ?? 0
        let computed = KubeletChecksum.of(.structure(type: "checkpoint.checkpointData", fields: [
            ("PodDeviceEntries", entriesSpew), ("RegisteredDevices", registeredSpew),
        ]))
        cp.verification = stored == UInt64(computed) ? .verified : .mismatch(field: "Checksum", stored: stored, computed: computed)
        return cp
    }

    private mutating func readEntries(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> GoSpewValue {
        let type = "[]checkpoint.PodDevicesEntry"
        let items: [JSONValue]
        switch value {
        case .null: return .slice(type: type, nil)
        case .intArray(let ints) where ints.isEmpty: items = []
        case .array(let list): items = list
        default: throw KubeletFileError(field, "is \(KubeletJSON.kind(value)), not a list of pod device entries")
        }
        var spews: [GoSpewValue] = []
        for (i, item) in items.enumerated() {
            let f = "\(field)[\(i)]"
            let m = try KubeletJSON.object(item, f) ?? []
            let pod = try KubeletJSON.string(KubeletJSON.field(m, "PodUID", in: f), KubeletJSON.join(f, "PodUID")) ?? ""
            let container = try KubeletJSON.string(KubeletJSON.field(m, "ContainerName", in: f), KubeletJSON.join(f, "ContainerName")) ?? ""
            let resource = try KubeletJSON.string(KubeletJSON.field(m, "ResourceName", in: f), KubeletJSON.join(f, "ResourceName")) ?? ""
            let idsField = KubeletJSON.join(f, "DeviceIDs")
            var ids: [Int64: [String]] = [:]
            var idsSpew: [(key: GoSpewValue, value: GoSpewValue)]?
            if let v = try KubeletJSON.field(m, "DeviceIDs", in: f) {
                if case .array = v { throw Self.oldFormat(idsField) }
                if case .intArray = v { throw Self.oldFormat(idsField) }
                if let nodes = try KubeletJSON.object(v, idsField) {
                    idsSpew = []
                    for (key, list) in nodes {
                        let node = try KubeletJSON.intKey(key, idsField)
                        guard ids[node] == nil else {
                            throw KubeletFileError(KubeletFileError.path(idsField, key), "names a node already listed")
                        }
                        let devices = try KubeletJSON.strings(list, KubeletFileError.path(idsField, key))
                        ids[node] = devices ?? []
                        idsSpew?.append((.int(type: "int64", node),
                                         .slice(type: "[]string", devices.map { $0.map { .string(type: "string", $0) } })))
                    }
                }
            }
            let respField = KubeletJSON.join(f, "AllocResp")
            var resp: [UInt8]?
            if let text = try KubeletJSON.string(KubeletJSON.field(m, "AllocResp", in: f), respField) {
                // Go's []byte: standard base64; it skips line breaks.
                let clean = text.filter { $0 != "\n" && $0 != "\r" }
                guard let bytes = Data(base64Encoded: clean) else { throw KubeletFileError(respField, "is not base64") }
                resp = Array(bytes)
            }
            entries.append(KubeletDeviceEntry(podUID: pod, containerName: container, resourceName: resource, deviceIDs: ids))
            spews.append(.structure(type: "checkpoint.PodDevicesEntry", fields: [
                ("PodUID", .string(type: "string", pod)),
                ("ContainerName", .string(type: "string", container)),
                ("ResourceName", .string(type: "string", resource)),
                ("DeviceIDs", .map(type: "checkpoint.DevicesPerNUMA", idsSpew)),
                ("AllocResp", .slice(type: "[]uint8", resp.map { $0.map { .uint(type: "uint8", UInt64($0)) } })),
            ]))
        }
        return .slice(type: type, spews)
    }

    private mutating func readRegistered(_ value: JSONValue, _ field: String) throws(KubeletFileError) -> GoSpewValue {
        let type = "map[string][]string"
        guard let members = try KubeletJSON.mapMembers(value, field) else { return .map(type: type, nil) }
        var pairs: [(key: GoSpewValue, value: GoSpewValue)] = []
        for (resource, list) in members {
            let devices = try KubeletJSON.strings(list, KubeletFileError.path(field, resource))
            registered[resource] = devices ?? []
            pairs.append((.string(type: "string", resource),
                          .slice(type: "[]string", devices.map { $0.map { .string(type: "string", $0) } })))
        }
        return .map(type: type, pairs)
    }

    private static func oldFormat(_ field: String) -> KubeletFileError {
        KubeletFileError(field, "is a list, the format of kubelets before 1.20; restrack reads the per-NUMA-node form of later kubelets")
    }
}
