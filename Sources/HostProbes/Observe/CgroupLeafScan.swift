#if canImport(Glibc)
import Glibc
#endif
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
    /// The tids of leaves read while their parent was open (as
    /// `tasks(of:files:)` gives them, nil when unreadable); leaves not here
    /// are read by path.
    var tasks: [String: [Int32]?] = [:]

    /// A cgroup waiting to be looked at.
    private struct Pending {
        var path: String
        var eff: CPUSet
        /// Its directory has no subdirectory (known from its link count),
        /// so it need not be listed.
        var childless: Bool
    }

    init(cpusets: inout CgroupCPUSets, online: CPUSet, dedicated: CPUSet, limit: Int) {
        let files = cpusets.files
        guard let rootSet = cpusets.read("/") else { return }
        let baseline = rootSet.intersection(online)
        var stack = [Pending(path: "/", eff: baseline, childless: false)]
        var visited = 0
        var buffer: [UInt8] = []
        let euid = geteuid()
        while let next = stack.popLast() {
            visited += 1
            if visited > limit {
                hitLimit = true
                skipped += stack.count + 1
                break
            }
            var withCpuset: [Pending] = []
            if !next.childless {
                let dir: CgroupDirectory
                switch CgroupDirectory.open(CgroupCPUSets.directory(next.path), files: files, euid: euid) {
                case .success(let opened): dir = opened
                case .failure(let failure):
                    if !failure.isGone { skipped += 1 }
                    continue
                }
                for raw in dir.subdirectories() {
                    guard let name = String(validating: raw, as: UTF8.self) else {
                        skipped += 1
                        continue
                    }
                    let child = next.path == "/" ? "/" + name : next.path + "/" + name
                    guard let own = cpusets.read(child, name: name, in: dir) else { continue }
                    let eff = own.intersection(baseline)
                    let childless = dir.childHasNoSubdirectories(name)
                    // A leaf that will be listed: its tasks are read now,
                    // through the open parent, for the holder check.
                    if childless, eff != baseline, !eff.intersection(dedicated).isEmpty {
                        tasks[child] = Self.tasks(name, in: dir, buffer: &buffer)
                    }
                    withCpuset.append(Pending(path: child, eff: eff, childless: childless))
                }
                dir.close()
            }
            // With no child carrying its own cpuset (the controller is not
            // enabled below: `systemctl set-property user.slice
            // AllowedCPUs=5`), every task below runs on this cgroup's CPUs,
            // so this is the deepest cgroup that explains the narrowing.
            if withCpuset.isEmpty {
                let held = next.eff.intersection(dedicated)
                if next.path != "/", next.eff != baseline, !held.isEmpty {
                    leaves.append(Leaf(path: next.path, cpus: held))
                }
                continue
            }
            stack.append(contentsOf: withCpuset)
        }
        leaves.sort { $0.path < $1.path }
    }

    /// The tids in a leaf (`cgroup.threads`, else `cgroup.procs`), nil when
    /// neither can be read as a list of ids.
    static func tasks(of path: String, files: TaskFiles) -> [Int32]? {
        let dir = CgroupCPUSets.directory(path)
        for name in ["cgroup.threads", "cgroup.procs"] {
            guard case .success(let bytes) = files.contents(dir + "/" + name) else { continue }
            return ids(bytes[...])
        }
        return nil
    }

    /// As `tasks(of:files:)` for the child `name` of an open directory.
    private static func tasks(_ name: String, in dir: CgroupDirectory, buffer: inout [UInt8]) -> [Int32]? {
        for file in ["/cgroup.threads", "/cgroup.procs"] {
            guard case .success(let n) = dir.read(name + file, into: &buffer) else { continue }
            return ids(buffer[0..<n])
        }
        return nil
    }

    /// One decimal id a line; nil when a line is anything else.
    private static func ids(_ bytes: ArraySlice<UInt8>) -> [Int32]? {
        var ids: [Int32] = []
        for line in bytes.split(separator: 0x0A) {
            guard let v = TaskStat.decimal(line), v > 0, v <= Int64(Int32.max) else { return nil }
            ids.append(Int32(v))
        }
        return ids
    }
}
