import Foundation

/// Kubelet pods on the synthetic host: the CPU manager's checkpoint (v4,
/// `dataChecksum` = FNV-1a 32 of `"(string)" + data`), the memory
/// manager's (v3: the v1 fields with the zero legacy checksum kubelets
/// accept, plus `data` and its checksum), the device manager's
/// (`Checksum` over go-spew's `%#v` of its data, as `checksum.New` makes
/// it) and each pod's kubepods.slice cgroup with its container's scope.
extension SyntheticHost {
    /// One Guaranteed pod: container `app` with one exclusive CPU when one
    /// is left, 512 MiB of memory on that CPU's node, every third one
    /// 64 MiB of 2 MiB pages, and some a VF from the device plugin.
    struct Pod {
        var index: Int
        var cpu: Int?
        var node: Int
        var vf: String?
        var hugepages: Bool

        var uid: String { String(format: "%08x-0000-4000-9000-%012x", 0x2000 + index, index) }
        var slice: String { "kubepods-pod" + uid.replacingOccurrences(of: "-", with: "_") + ".slice" }
        var containerScope: String { String(format: "cri-containerd-%064x.scope", 0x2000 + index) }
        var memoryBytes: Int { 512 << 20 }
        var hugepageBytes: Int { hugepages ? 64 << 20 : 0 }
    }

    static let sriovResource = "intel.com/intel_sriov_netdevice"

    func writePods(_ pods: [Pod], registered: [String]) throws {
        let dir = "var/lib/kubelet"
        try file("\(dir)/cpu_manager_state", cpuManagerState(pods))
        try file("\(dir)/memory_manager_state", memoryManagerState(pods))
        try file("\(dir)/device-plugins/kubelet_internal_checkpoint", deviceCheckpoint(pods, registered: registered))
        let all = "0-\(cpus - 1)"
        try file("sys/fs/cgroup/kubepods.slice/cpuset.cpus.effective", all + "\n")
        for pod in pods {
            let slice = "sys/fs/cgroup/kubepods.slice/\(pod.slice)"
            let cpus = pod.cpu.map(String.init) ?? all
            try file("\(slice)/cpuset.cpus.effective", all + "\n")
            try file("\(slice)/\(pod.containerScope)/cpuset.cpus.effective", cpus + "\n")
        }
    }

    private func cpuManagerState(_ pods: [Pod]) -> String {
        let taken = Set(pods.compactMap(\.cpu))
        let defaultSet = Self.cpulist((0..<cpus).filter { !taken.contains($0) })
        let entries = pods.filter { $0.cpu != nil }.sorted { $0.uid < $1.uid }
            .map { "\"\($0.uid)\":{\"app\":\"\($0.cpu ?? 0)\"}" }.joined(separator: ",")
        let payload = "\"policyName\":\"static\",\"defaultCpuSet\":\"\(defaultSet)\""
            + (entries.isEmpty ? "" : ",\"entries\":{\(entries)}")
        let data = "{\(payload)}"
        return "{\(payload),\"checksum\":0,\"data\":\(Self.jsonString(data)),\"dataChecksum\":\(Self.fnv1a32("(string)" + data))}"
    }

    private func memoryManagerState(_ pods: [Pod]) -> String {
        var machine: [String] = []
        for node in 0..<2 {
            let mine = pods.filter { $0.node == node }
            let memTotal = memoryKB * 1024
            let memReserved = mine.reduce(0) { $0 + $1.memoryBytes }
            let hugeTotal = 16384 * 2048 * 1024
            let hugeReserved = mine.reduce(0) { $0 + $1.hugepageBytes }
            let gigTotal = 32 << 30
            func table(_ total: Int, _ reserved: Int) -> String {
                "{\"total\":\(total),\"systemReserved\":0,\"allocatable\":\(total),\"reserved\":\(reserved),"
                    + "\"free\":\(total - reserved)}"
            }
            machine.append("\"\(node)\":{\"numberOfAssignments\":\(mine.count * 2),\"memoryMap\":{"
                           + "\"hugepages-1Gi\":\(table(gigTotal, 0)),\"hugepages-2Mi\":\(table(hugeTotal, hugeReserved)),"
                           + "\"memory\":\(table(memTotal, memReserved))},\"cells\":[\(node)]}")
        }
        let entries = pods.sorted { $0.uid < $1.uid }.map { pod -> String in
            var blocks = ["{\"numaAffinity\":[\(pod.node)],\"type\":\"memory\",\"size\":\(pod.memoryBytes)}"]
            if pod.hugepages {
                blocks.append("{\"numaAffinity\":[\(pod.node)],\"type\":\"hugepages-2Mi\",\"size\":\(pod.hugepageBytes)}")
            }
            return "\"\(pod.uid)\":{\"app\":[\(blocks.joined(separator: ","))]}"
        }.joined(separator: ",")
        let payload = "\"policyName\":\"Static\",\"machineState\":{\(machine.joined(separator: ","))}"
            + (entries.isEmpty ? "" : ",\"entries\":{\(entries)}")
        let data = "{\(payload)}"
        return "{\(payload),\"checksum\":0,\"data\":\(Self.jsonString(data)),\"dataChecksum\":\(Self.fnv1a32("(string)" + data))}"
    }

    private func deviceCheckpoint(_ pods: [Pod], registered: [String]) -> String {
        let holding = pods.filter { $0.vf != nil }
        let json = holding.map { pod in
            "{\"PodUID\":\"\(pod.uid)\",\"ContainerName\":\"app\",\"ResourceName\":\"\(Self.sriovResource)\","
                + "\"DeviceIDs\":{\"\(pod.node)\":[\"\(pod.vf ?? "")\"]},\"AllocResp\":null}"
        }
        let spewed = holding.map { pod in
            "{PodUID:(string)\(pod.uid) ContainerName:(string)app ResourceName:(string)\(Self.sriovResource) "
                + "DeviceIDs:(checkpoint.DevicesPerNUMA)map[\(pod.node):[\(pod.vf ?? "")]] AllocResp:([]uint8)<nil>}"
        }
        let registeredJSON = registered.map { "\"\($0)\"" }.joined(separator: ",")
        let entriesJSON = json.isEmpty ? "null" : "[\(json.joined(separator: ","))]"
        let entriesSpew = spewed.isEmpty ? "<nil>" : "[\(spewed.joined(separator: " "))]"
        let spew = "(checkpoint.checkpointData){PodDeviceEntries:([]checkpoint.PodDevicesEntry)\(entriesSpew) "
            + "RegisteredDevices:(map[string][]string)map[\(Self.sriovResource):[\(registered.joined(separator: " "))]]}"
        return "{\"Data\":{\"PodDeviceEntries\":\(entriesJSON),\"RegisteredDevices\":{\"\(Self.sriovResource)\":"
            + "[\(registeredJSON)]}},\"Checksum\":\(Self.fnv1a32(spew))}"
    }

    /// FNV-1a 32, the hash of the kubelet's `checksum.New`.
    static func fnv1a32(_ text: String) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for b in text.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
        return h
    }

    /// A JSON string of `text`, which holds no controls (only quotes).
    static func jsonString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `0-3,7` for sorted ids.
    static func cpulist(_ ids: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < ids.count {
            var j = i
            while j + 1 < ids.count, ids[j + 1] == ids[j] + 1 { j += 1 }
            parts.append(i == j ? "\(ids[i])" : "\(ids[i])-\(ids[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
