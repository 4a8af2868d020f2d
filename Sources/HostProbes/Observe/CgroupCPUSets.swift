import TrackerCore

/// The CPUs a cgroup v2 lets its tasks use: `cpuset.cpus.effective` of the
/// cgroup, or of its nearest ancestor that has the file (the cpuset
/// controller is only enabled down to some level). Cached per path for one
/// scan: the tasks of one VM or pod share a cgroup.
struct CgroupCPUSets {
    let files: TaskFiles
    /// `sys/fs/cgroup`, relative to the root.
    static let mount = "sys/fs/cgroup"
    private var cache: [String: CPUSet?] = [:]
    /// Files that held no CPU list, first few named in the scan's report.
    private(set) var garbled: [String] = []

    init(files: TaskFiles) { self.files = files }

    /// Where one cgroup v2 path lives under the root.
    static func directory(_ path: String) -> String {
        path == "/" ? mount : mount + path
    }

    /// The effective CPUs for `path` (`/machine.slice/x.scope`), nil when no
    /// level up to the root has the file (no cgroup v2 cpuset on this host).
    mutating func effective(_ path: String) -> CPUSet? {
        if let hit = cache[path] { return hit }
        let found: CPUSet?
        if let own = read(path) {
            found = own
        } else if path == "/" {
            found = nil
        } else {
            found = effective(Self.parent(of: path))
        }
        cache[path] = found
        return found
    }

    /// The set in the cgroup's own `cpuset.cpus.effective`, nil when the file
    /// is missing or (noted in `garbled`) not a non-empty CPU list.
    mutating func read(_ path: String) -> CPUSet? {
        let file = Self.directory(path) + "/cpuset.cpus.effective"
        guard case .success(let bytes) = files.contents(file) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // An empty effective set only appears in an unpopulated cgroup of a
        // partition with no CPUs left; it allows nothing and says nothing.
        if let set = try? CPUSet(cpulist: text), !set.isEmpty { return set }
        if text.trimmedSysfs.isEmpty { return nil }
        garbled.append(file)
        return nil
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// What `/proc/PID/cgroup` says of the task's cgroup v2.
    enum Membership: Equatable {
        /// `0::/path`.
        case path(String)
        /// No `0::` line (a cgroup v1 only host), or a path outside this
        /// reader's cgroup namespace (`/../..`): its cpuset cannot be read,
        /// so only the online CPUs bound what the task could use.
        case unknown
    }

    /// Parses `/proc/PID/cgroup`; nil when a line is not `ID:controllers:path`
    /// or the v2 path is not an absolute path of plain names.
    static func membership(_ bytes: [UInt8]) -> Membership? {
        guard !bytes.contains(0) else { return nil }
        var result = Membership.unknown
        for line in bytes.split(separator: 0x0A) {
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            guard parts[0].elementsEqual([0x30]), parts[1].isEmpty else { continue }
            guard let path = String(validating: parts[2], as: UTF8.self), path.hasPrefix("/") else { return nil }
            let names = path.split(separator: "/")
            if names.contains("..") { result = .unknown; continue }
            guard !names.contains("."), !path.contains("//") else { return nil }
            result = .path(path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path)
        }
        return result
    }
}
