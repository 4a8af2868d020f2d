import TrackerCore

/// The CPUs a cgroup v2 lets its tasks use: `cpuset.cpus.effective` of the
/// cgroup, or of its nearest ancestor that has the file (the cpuset
/// controller is only enabled down to some level). Cached per path for one
/// scan: the tasks of one VM or pod share a cgroup, and the leaf walk reads
/// the same files the tasks' cgroups led to.
struct CgroupCPUSets {
    let files: TaskFiles
    /// `sys/fs/cgroup`, relative to the root.
    static let mount = "sys/fs/cgroup"
    private var cache: [String: CPUSet?] = [:]
    /// Each cgroup's own file as read this scan (nil: missing or garbled).
    private var own: [String: CPUSet?] = [:]
    private var buffer: [UInt8] = []
    private var words = TaskAffinity.Buffer()
    /// Sets already built this scan, by their text: most cgroups of a host
    /// show one of a few sets (all CPUs, the shared ones), and a 512-CPU
    /// set costs 512 inserts to build.
    private var byText: [String: CPUSet] = [:]
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
        if let known = own[path] { return known }
        let file = Self.directory(path) + "/cpuset.cpus.effective"
        let count = files.read(file, into: &buffer)
        return parsed(count, path: path, file: file)
    }

    /// As `read(_:)` for the cgroup `path`, which is `name` in the open
    /// directory `parent`.
    mutating func read(_ path: String, name: String, in parent: CgroupDirectory) -> CPUSet? {
        if let known = own[path] { return known }
        let count = parent.read(name + "/cpuset.cpus.effective", into: &buffer)
        return parsed(count, path: path, file: parent.relative + "/" + name + "/cpuset.cpus.effective")
    }

    private mutating func parsed(_ count: Result<Int, TaskFiles.Failure>, path: String, file: String) -> CPUSet? {
        guard case .success(let n) = count else {
            own[path] = .some(nil)
            return nil
        }
        // The kernel's own form (`0-3,8` and a newline) is read on its
        // bytes; a thousand cgroups a poll made the String parser a tenth of
        // the scan. Anything else goes to `CPUSet(cpulist:)`, which decides.
        let end = n > 0 && buffer[n - 1] == 0x0A ? n - 1 : n
        let key = String(decoding: buffer[0..<end], as: UTF8.self)
        if let seen = byText[key] {
            own[path] = .some(seen)
            return seen
        }
        if TaskAffinity.cpulist(buffer, 0..<end, into: &words) {
            let found = CPUWords(words: words.words).set
            byText[key] = found
            own[path] = .some(found)
            return found
        }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        // An empty effective set only appears in an unpopulated cgroup of a
        // partition with no CPUs left; it allows nothing and says nothing.
        var found: CPUSet?
        if let set = try? CPUSet(cpulist: text), !set.isEmpty {
            found = set
        } else if !text.trimmedSysfs.isEmpty {
            garbled.append(file)
        }
        own[path] = .some(found)
        return found
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
