import TrackerCore

/// Leaf cgroups (v2), or cgroups none of whose children has a cpuset of
/// its own, whose `cpuset.cpus.effective` is narrower than the
/// root cgroup's and touches dedicated CPUs: a VM's scope or vCPU cgroup,
/// a pinned container. Narrowed is judged against the root, not the
/// parent: a container whose pod slice was narrowed inherits the narrow set
/// and is as confined as if it had narrowed itself, and judging it against
/// its parent would show its CPUs free.
///
/// Only directories that have `cpuset.cpus.effective` are descended into:
/// the file appears in a cgroup only when its parent enables the cpuset
/// controller for its children, so a subtree without it has none below.
/// Links are never followed, and the walk stops at `limit` cgroups.
struct CgroupLeafScan {
    struct Leaf: Equatable {
        /// `/machine.slice/x.scope`, as the kernel names it.
        var path: String
        /// Dedicated CPUs the leaf is confined to.
        var cpus: CPUSet
    }

    var leaves: [Leaf] = []
    /// Cgroups not looked at: unreadable directories, names that are not
    /// UTF-8, or past the limit.
    var skipped = 0
    var hitLimit = false

    init(cpusets: inout CgroupCPUSets, online: CPUSet, dedicated: CPUSet, limit: Int) {
        let files = cpusets.files
        guard let rootSet = cpusets.read("/") else { return }
        let baseline = rootSet.intersection(online)
        var stack: [(path: String, eff: CPUSet)] = [("/", baseline)]
        var visited = 0
        while let (path, eff) = stack.popLast() {
            visited += 1
            if visited > limit {
                hitLimit = true
                skipped += stack.count + 1
                break
            }
            let children: [[UInt8]]
            switch files.subdirectories(CgroupCPUSets.directory(path)) {
            case .success(let names): children = names
            case .failure(let failure):
                if !failure.isGone { skipped += 1 }
                continue
            }
            var withCpuset: [(path: String, eff: CPUSet)] = []
            for raw in children {
                guard let name = String(validating: raw, as: UTF8.self) else {
                    skipped += 1
                    continue
                }
                let child = path == "/" ? "/" + name : path + "/" + name
                guard let own = cpusets.read(child) else { continue }
                withCpuset.append((child, own.intersection(baseline)))
            }
            // With no child carrying its own cpuset (the controller is not
            // enabled below: `systemctl set-property user.slice
            // AllowedCPUs=5`), every task below runs on this cgroup's CPUs,
            // so this is the deepest cgroup that explains the narrowing.
            if withCpuset.isEmpty {
                let held = eff.intersection(dedicated)
                if path != "/", eff != baseline, !held.isEmpty { leaves.append(Leaf(path: path, cpus: held)) }
                continue
            }
            stack.append(contentsOf: withCpuset)
        }
        leaves.sort { $0.path < $1.path }
    }

    /// The tids in a cgroup (`cgroup.threads`, else `cgroup.procs`), nil when
    /// neither can be read as a list of ids.
    static func tasks(of path: String, files: TaskFiles) -> [Int32]? {
        let dir = CgroupCPUSets.directory(path)
        for name in ["cgroup.threads", "cgroup.procs"] {
            guard case .success(let bytes) = files.contents(dir + "/" + name) else { continue }
            var ids: [Int32] = []
            for line in bytes.split(separator: 0x0A) {
                guard let v = TaskStat.decimal(line), v > 0, v <= Int64(Int32.max) else { return nil }
                ids.append(Int32(v))
            }
            return ids
        }
        return nil
    }
}
