import CNuma
import TrackerCore

/// NUMA nodes: from libnuma on the live host, from
/// `sys/devices/system/node` under a captured root (libnuma's paths are
/// hard-coded and cannot be redirected). CPU-less nodes (GPU memory),
/// memory-less nodes and sparse ids are all kept.
public enum NUMAProbe {
    static let nodeDir = "sys/devices/system/node"

    /// The node directories' ids, ascending; nil when the directory is absent
    /// (a kernel without NUMA support).
    static func nodeIDs(_ reader: SysfsReader) -> [Int]? {
        guard let entries = reader.list(nodeDir) else { return nil }
        return entries.compactMap { name -> Int? in
            guard name.hasPrefix("node"), let id = canonicalID(name.dropFirst(4)),
                  reader.isDirectoryOrLink("\(nodeDir)/\(name)") else { return nil }
            return id
        }.sorted()
    }

    /// The id in a kernel-made name (`node12`, `cpu7`): decimal digits with
    /// no sign or leading zero, so `node01` or `node+1` is not taken for
    /// `node1` (the kernel writes `%d`).
    static func canonicalID(_ digits: Substring) -> Int? {
        guard let id = Int(digits), id >= 0, String(id) == digits else { return nil }
        return id
    }

    /// Reads every node from sysfs under the reader's root.
    public static func sysfs(_ reader: SysfsReader, warnings: inout ProbeWarnings) -> [NUMANodeInfo]? {
        guard let ids = nodeIDs(reader), !ids.isEmpty else { return nil }
        let values = SysfsValues(reader: reader)
        var nodes: [NUMANodeInfo] = []
        // `possible` and `online`, read once for every node's distance row.
        var orderFiles: [String: Result<String, SysfsReader.Failure>] = [:]
        for id in ids {
            let dir = "\(nodeDir)/node\(id)"
            let cpus = nodeCPUs(dir: dir, reader: reader, values: values, warnings: &warnings)
            let (total, free) = meminfo(dir: dir, reader: reader, warnings: &warnings)
            let distances = distanceRow(dir: dir, ids: ids, reader: reader, orderFiles: &orderFiles, warnings: &warnings)
            nodes.append(NUMANodeInfo(id: id, cpus: cpus, memTotalKB: total, memFreeKB: free, distances: distances))
        }
        return nodes
    }

    /// `cpulist`, else the `cpumap` mask (older kernels, e.g. the POWER7
    /// capture), else the `cpuN` entries in the node directory.
    private static func nodeCPUs(dir: String, reader: SysfsReader, values: SysfsValues,
                                 warnings: inout ProbeWarnings) -> CPUSet {
        if let set = values.cpulist("\(dir)/cpulist", warnings: &warnings, assumed: "the node's cpumap or cpuN entries") {
            return set
        }
        if let set = values.cpumask("\(dir)/cpumap", warnings: &warnings, assumed: "the node's cpuN entries") {
            return set
        }
        var cpus = CPUSet()
        for name in reader.list(dir) ?? [] where name.hasPrefix("cpu") {
            guard let id = canonicalID(name.dropFirst(3)) else { continue }   // cpulist, cpumap
            guard id <= CPUSet.maxCPUId else {
                warnings.add(file: reader.path("\(dir)/\(name)"), problem: "names a CPU beyond \(CPUSet.maxCPUId)",
                             assumed: "it is not a CPU")
                continue
            }
            cpus.insert(id)
        }
        return cpus
    }

    /// `Node N MemTotal:  123 kB` lines of the node's meminfo.
    private static func meminfo(dir: String, reader: SysfsReader, warnings: inout ProbeWarnings) -> (Int, Int?) {
        let file = "\(dir)/meminfo"
        let bytes: [UInt8]
        switch reader.bytes(file) {
        case .success(let b): bytes = b
        case .failure(let f):
            warnings.add(file: reader.path(file), problem: f.words, assumed: "the node has no memory")
            return (0, nil)
        }
        var total: Int?
        var free: Int?
        // "Node", id, "MemTotal:", value, "kB"
        for (key, value) in keyedLines(bytes) {
            if key == "MemTotal:" { total = Int(value) }
            if key == "MemFree:" { free = Int(value) }
        }
        if let f = free, f < 0 {
            warnings.add(file: reader.path(file), problem: "has a negative MemFree (\(f) kB)", assumed: "free memory unknown")
            free = nil
        }
        guard let total, total >= 0 else {
            warnings.add(file: reader.path(file), problem: "has no readable MemTotal line", assumed: "the node has no memory")
            return (0, free)
        }
        return (total, free)
    }

    /// The third and fourth whitespace-separated fields of each line that
    /// has four or more, in file order. A kernel's file is plain ASCII, whose
    /// lines and fields are split here on the bytes: splitting the decoded
    /// text by Character costs a hundred times more. Anything else (a CR,
    /// which joins "\r\n" into one Character, a NUL, which the decoded
    /// text is trimmed of, or non-ASCII bytes) is split as text.
    static func keyedLines(_ bytes: [UInt8]) -> [(key: Substring, value: Substring)] {
        let text = String(decoding: bytes, as: UTF8.self)
        var out: [(key: Substring, value: Substring)] = []
        guard !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0D || $0 == 0 }) else {
            for line in text.trimmedSysfs.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if fields.count >= 4 { out.append((fields[2], fields[3])) }
            }
            return out
        }
        let utf8 = text.utf8
        var fieldStart: String.Index?
        var fields = 0
        var key = Substring()
        var value = Substring()
        var i = utf8.startIndex
        while true {
            let end = i == utf8.endIndex
            let byte = end ? 0x0A : utf8[i]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A {
                if let start = fieldStart {
                    if fields == 2 { key = text[start..<i] } else if fields == 3 { value = text[start..<i] }
                    fields += 1
                    fieldStart = nil
                }
                if byte == 0x0A {
                    if fields >= 4 { out.append((key, value)) }
                    fields = 0
                }
            } else if fieldStart == nil {
                fieldStart = i
            }
            if end { break }
            i = utf8.index(after: i)
        }
        return out
    }

    /// The `distance` file lists one distance per node, in ascending id order
    /// of the nodes the kernel had online when it wrote it. Usually that is
    /// the node directories; when a node was taken offline the row can be
    /// longer, so `possible` is tried next.
    /// `orderFiles`: the `possible` and `online` reads of this probe so far.
    private static func distanceRow(dir: String, ids: [Int], reader: SysfsReader,
                                    orderFiles: inout [String: Result<String, SysfsReader.Failure>],
                                    warnings: inout ProbeWarnings) -> [Int: Int]? {
        let file = "\(dir)/distance"
        let text: String
        switch reader.text(file) {
        case .success(let t): text = t
        case .failure(let f):
            // Every kernel with NUMA nodes writes it: its absence is a
            // damaged capture, said like any other file.
            warnings.add(file: reader.path(file), problem: f.words, assumed: "distances unknown")
            return nil
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        let row = parts.compactMap { Int($0) }
        guard row.count == parts.count, !row.isEmpty else {
            warnings.add(file: reader.path(file), problem: "is not a list of integers", assumed: "distances unknown")
            return nil
        }
        var candidates: [[Int]] = [ids]
        for name in ["possible", "online"] {
            let other = "\(nodeDir)/\(name)"
            let read = orderFiles[name] ?? reader.text(other)
            orderFiles[name] = read
            // A failure is said for each node, as when each read its own.
            switch read {
            case .success(let text):
                if let set = try? CPUSet(cpulist: text) { candidates.append(set.sorted) }
            case .failure(.missing):
                break
            case .failure(let f):
                warnings.add(file: reader.path(other), problem: f.words, assumed: "it does not order distance rows")
            }
        }
        guard let order = candidates.first(where: { $0.count == row.count }) else {
            warnings.add(file: reader.path(file), problem: "has \(row.count) entries for \(ids.count) nodes",
                         assumed: "distances unknown")
            return nil
        }
        return Dictionary(uniqueKeysWithValues: zip(order, row))
    }

    /// Reads every node through libnuma (live host only); nil when libnuma
    /// reports NUMA as unavailable.
    public static func libnuma() -> [NUMANodeInfo]? {
        guard numa_available() >= 0 else { return nil }
        let maxNode = numa_max_node()
        guard maxNode >= 0, let mask = numa_allocate_cpumask() else { return nil }
        defer { numa_free_cpumask(mask) }
        let possibleCPUs = Int(numa_num_possible_cpus())
        var ids: [Int] = []
        var sizes: [Int: (Int, Int)] = [:]
        for node in 0...maxNode {
            var free: Int64 = 0
            let size = numa_node_size64(node, &free)
            // -1 means no such node (ids can be sparse).
            guard size >= 0 else { continue }
            ids.append(Int(node))
            sizes[Int(node)] = (Int(size / 1024), Int(free / 1024))
        }
        var nodes: [NUMANodeInfo] = []
        for id in ids {
            var cpus = CPUSet()
            if numa_node_to_cpus(Int32(id), mask) == 0 {
                for cpu in 0..<possibleCPUs where numa_bitmask_isbitset(mask, UInt32(cpu)) != 0 {
                    cpus.insert(cpu)
                }
            }
            var distances: [Int: Int] = [:]
            for other in ids {
                let d = Int(numa_distance(Int32(id), Int32(other)))
                if d > 0 { distances[other] = d }
            }
            let (total, free) = sizes[id] ?? (0, 0)
            nodes.append(NUMANodeInfo(id: id, cpus: cpus, memTotalKB: total, memFreeKB: free,
                                      distances: distances.isEmpty ? nil : distances))
        }
        return nodes
    }
}
