#if canImport(Glibc)
import Glibc
#endif
import TrackerCore

/// Holders the kernel shows on dedicated CPUs: processes with a thread
/// pinned narrower than it could run, and leaf cgroups (v2) confined to a
/// narrowed cpuset. All are of kind `kernel`.
///
/// A thread is narrowed when its allowed CPUs (∩ online) do not cover what
/// it could use: the online CPUs ∩ its process's cgroup's
/// `cpuset.cpus.effective` (nearest ancestor with the file) — a strict
/// subset, or a set elsewhere when the thread sits in a threaded cgroup of
/// its own. It is a holder
/// when that narrowed set touches a dedicated CPU (the cells' `pcpus`).
/// Threads fold into their process (`pid:N`, comm, cgroup, union of the
/// dedicated CPUs of its narrowed threads). Kernel threads (PF_KTHREAD, or
/// kthreadd's children) never are holders.
///
/// A narrowed leaf cgroup (`cgroup:/path`) is listed unless it has tasks
/// and every one of them belongs to a process holder already holding all
/// of the cgroup's CPUs: then the cgroup would name the same CPUs held by
/// the same tasks twice. An empty narrowed leaf stays listed: something set
/// it up to run there.
///
/// Cost: on the live host one `getdents` per process (its `task/`) and one
/// `sched_getaffinity` per thread; `stat` and `cgroup` are opened only for
/// processes with a narrowed thread on a dedicated CPU, and each cgroup's
/// cpuset is read once per scan. A captured root has no syscall to ask, so
/// each thread's `status` is read. With no dedicated CPU nothing is scanned.
/// Each scan is a fresh look, on every poll: a pin set or lifted between
/// two polls shows at the next one, and `claim` and `check` (one poll each)
/// must never judge by an older scan. The per-task cost above (one syscall
/// live) is what makes that affordable, so nothing here skips polls; a
/// caller that wants to scan less often can keep the last `Scan`.
struct TaskScanner: Sendable {
    let root: String?
    let files: TaskFiles
    /// Tasks (threads) looked at per scan; past it the rest are reported
    /// not visible, never free.
    let taskLimit: Int
    let cgroupLimit: Int

    init(root: String?, taskLimit: Int = 200_000, cgroupLimit: Int = 100_000,
         fault: (@Sendable (String) -> Int32?)? = nil) {
        self.root = root
        self.files = TaskFiles(root: root, fault: fault)
        self.taskLimit = taskLimit
        self.cgroupLimit = cgroupLimit
    }

    struct Scan: Sendable {
        var holders: [Holder] = []
        var notVisible: [String] = []
        /// The part of `notVisible` that hides who pins CPUs.
        var blindSpots: [String] = []
    }

    /// `known`: pid → tid → allowed CPUs read this poll by another probe
    /// from the same `status` files (libvirt's vCPU threads); on a captured
    /// root those threads are judged by it instead of being read again.
    func scan(snapshot: HostSnapshot, known: [Int32: [Int32: CPUSet]] = [:]) -> Scan {
        var dedicated = CPUSet()
        for cell in snapshot.cells { dedicated.formUnion(cell.pcpus) }
        guard !dedicated.isEmpty else { return Scan() }
        let online = onlineCPUs(snapshot)
        var state = TaskScanState(online: online, dedicated: dedicated, files: files)
        if files.isLive, case .success(let own) = files.contents("proc/self/status") {
            state.tally.pidNamespaceLevels = Self.pidNamespaceLevels(own)
        }
        if files.isLive, geteuid() != 0, case .success(let mounts) = files.contents("proc/mounts") {
            state.tally.procHidepid = ProcHidepid.option(in: mounts)
        }

        switch files.numericEntries("proc") {
        case .success(let listed):
            // /proc lists in pid order; a captured root in its file system's
            // order, sorted so that reports name the same example each time.
            let pids = files.isLive ? listed : listed.sorted()
            for (index, pid) in pids.enumerated() {
                guard state.tasksSeen < taskLimit else {
                    state.tally.tasksPastLimit = (taskLimit, pids.count - index)
                    break
                }
                scanProcess(pid, known: known[pid], &state)
            }
        case .failure(let failure):
            // A captured root without proc/ is a topology-only capture (as
            // the hwloc trees are): no tasks were captured, none are unseen.
            if !(failure.isGone && !files.isLive) {
                state.tally.procUnlisted = "/proc cannot be listed (\(failure.words))"
            }
        }

        var holders = state.processHolders.values.sorted { ($0.pid ?? 0) < ($1.pid ?? 0) }
        let leaves = CgroupLeafScan(cpusets: &state.cpusets, online: online, dedicated: dedicated, limit: cgroupLimit)
        state.tally.cgroupsSkipped = leaves.skipped
        if leaves.hitLimit { state.tally.cgroupsPastLimit = cgroupLimit }
        for leaf in leaves.leaves where !state.coversCgroup(leaf, known: leaves.tasks[leaf.path]) {
            let path = SafeText.escape(leaf.path)
            let name = leaf.path.split(separator: "/").last.map { SafeText.escape(String($0)) } ?? path
            holders.append(Holder(kind: .kernel, id: "cgroup:" + path, name: name, cgroup: path, cpus: leaf.cpus))
        }
        state.tally.garbledCpusets = state.cpusets.garbled
        return Scan(holders: holders, notVisible: state.tally.lines, blindSpots: state.tally.blindSpots)
    }

    /// How many PID namespaces deep the reader is, from the `NSpid:` line
    /// of its own status (one id per level); 1 when it is in the host's.
    static func pidNamespaceLevels(_ status: [UInt8]) -> Int {
        let key = Array("NSpid:".utf8)
        for line in status.split(separator: 0x0A) where line.starts(with: key) {
            return max(1, line.dropFirst(key.count).split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).count)
        }
        return 1
    }

    /// `sys/devices/system/cpu/online`; the snapshot's CPUs when it cannot be
    /// read (the snapshot probe has warned about it already).
    private func onlineCPUs(_ snapshot: HostSnapshot) -> CPUSet {
        if case .success(let bytes) = files.contents("sys/devices/system/cpu/online"),
           let set = try? CPUSet(cpulist: String(decoding: bytes, as: UTF8.self)), !set.isEmpty {
            return set
        }
        var all = CPUSet()
        for cell in snapshot.cells { all.formUnion(cell.cpus.union(cell.pcpus)) }
        return all
    }

    /// One process: its threads' affinities first (cheap), then, only when
    /// one is narrowed onto a dedicated CPU, its `stat` and `cgroup`.
    private func scanProcess(_ pid: Int32, known: [Int32: CPUSet]?, _ state: inout TaskScanState) {
        let dir = "proc/\(pid)"
        let tids: [Int32]
        var statusOfProcess = false
        switch files.numericEntries(dir + "/task") {
        case .success(let listed):
            tids = listed
        case .failure(let failure):
            // A captured root may keep only the process's own status.
            if failure.isGone, !files.isLive, files.exists(dir + "/status") {
                tids = [pid]
                statusOfProcess = true
            } else {
                if !failure.isGone { state.tally.note("/" + dir + "/task", failure) }
                return
            }
        }

        var candidates: [(tid: Int32, allowed: CPUSet)] = []
        for tid in tids {
            guard state.tasksSeen < taskLimit else { break }
            state.tasksSeen += 1
            if files.isLive {
                if let allowed = state.liveCandidate(tid) { candidates.append((tid, allowed)) }
                continue
            }
            if !statusOfProcess, let allowed = known?[tid] {
                if let narrowed = state.knownCandidate(allowed) { candidates.append((tid, narrowed)) }
                continue
            }
            let path = statusOfProcess ? dir + "/status" : "\(dir)/task/\(tid)/status"
            if let allowed = state.capturedCandidate(path, files: files) { candidates.append((tid, allowed)) }
        }
        guard !candidates.isEmpty else { return }

        let statPath = dir + "/stat"
        let stat: TaskStat
        switch files.contents(statPath) {
        case .success(let bytes):
            guard let parsed = TaskStat(bytes) else {
                state.tally.garble("/" + statPath, "is not a stat line")
                return
            }
            stat = parsed
        case .failure(let failure):
            if !failure.isGone { state.tally.note("/" + statPath, failure) }
            return
        }
        if stat.isKernelThread(pid: pid) { return }
        if stat.hasExited, candidates.allSatisfy({ $0.tid == pid }) { return }

        let cgroupPath = dir + "/cgroup"
        let membership: CgroupCPUSets.Membership
        switch files.contents(cgroupPath) {
        case .success(let bytes):
            guard let parsed = CgroupCPUSets.membership(bytes) else {
                state.tally.garble("/" + cgroupPath, "is not in the ID:controllers:path format")
                return
            }
            membership = parsed
        case .failure(let failure):
            // Live, a missing file means the process just exited; a captured
            // root may not have kept it, and then only the online CPUs
            // bound what the process could use.
            if failure.isGone, files.isLive { return }
            if !failure.isGone {
                state.tally.note("/" + cgroupPath, failure)
                return
            }
            membership = .unknown
        }

        var couldUse = state.online
        var cgroup: String?
        if case .path(let path) = membership {
            cgroup = path
            if let effective = state.cpusets.effective(path) {
                let bounded = effective.intersection(state.online)
                if !bounded.isEmpty { couldUse = bounded }
            }
        }
        // A thread allowed less than its process's cgroup offers is narrowed.
        // Its allowed set need not lie inside that cgroup's: libvirt moves
        // each vCPU thread into a threaded cgroup of its own, and the kernel
        // keeps the thread's affinity inside that one.
        var held = CPUSet()
        for candidate in candidates where !couldUse.isSubset(of: candidate.allowed) {
            held.formUnion(candidate.allowed.intersection(state.dedicated))
        }
        guard !held.isEmpty else { return }
        let comm = SafeText.decode(stat.comm)
        state.processHolders[pid] = Holder(kind: .kernel, id: "pid:\(pid)", name: comm, pid: pid, comm: comm,
                                           cgroup: cgroup.map(SafeText.escape), cpus: held)
        for tid in tids { state.holderOfTask[tid] = pid }
    }
}
