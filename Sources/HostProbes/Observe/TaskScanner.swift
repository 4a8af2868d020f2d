import TrackerCore

/// Holders the kernel shows: processes and threads whose allowed CPUs are a
/// strict subset of what they could use and touch dedicated CPUs, and leaf
/// cgroups (v2) with a narrowed `cpuset.cpus.effective`. Kernel threads are
/// not holders. (Stub: the live-truth issue fills it in.)
struct TaskScanner: Sendable {
    let root: String?

    init(root: String?) { self.root = root }

    struct Scan: Sendable {
        var holders: [Holder] = []
        var notVisible: [String] = []
    }

    func scan(snapshot: HostSnapshot) -> Scan { Scan() }
}
