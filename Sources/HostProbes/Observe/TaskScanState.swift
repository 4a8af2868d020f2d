import TrackerCore

/// What one `TaskScanner.scan` carries from task to task.
struct TaskScanState {
    let online: CPUSet
    let dedicated: CPUSet
    let onlineWords: CPUWords
    let dedicatedWords: CPUWords
    var cpusets: CgroupCPUSets
    var tally = TaskScanTally()
    var tasksSeen = 0
    var processHolders: [Int32: Holder] = [:]
    /// Every thread of a process holder → its pid.
    var holderOfTask: [Int32: Int32] = [:]
    var buffer = TaskAffinity.Buffer()
    var readBuffer: [UInt8] = []

    init(online: CPUSet, dedicated: CPUSet, files: TaskFiles) {
        self.online = online
        self.dedicated = dedicated
        onlineWords = CPUWords(online)
        dedicatedWords = CPUWords(dedicated)
        cpusets = CgroupCPUSets(files: files)
    }

    /// The live thread's online allowed CPUs when they are narrower than
    /// the online set and touch a dedicated CPU, else nil (also when it
    /// exited or cannot be asked, the latter tallied).
    mutating func liveCandidate(_ tid: Int32) -> CPUSet? {
        switch TaskAffinity.live(tid, into: &buffer) {
        case .mask:
            return candidate()
        case .failed(let failure):
            if !failure.isGone { tally.note("sched_getaffinity(\(tid))", failure) }
            return nil
        }
    }

    /// The captured thread's online allowed CPUs, as `liveCandidate`, from
    /// its `status` file; garbage and unreadable files are tallied.
    mutating func capturedCandidate(_ path: String, files: TaskFiles) -> CPUSet? {
        switch files.read(path, into: &readBuffer) {
        case .success(let count):
            guard TaskAffinity.fromStatus(readBuffer, count: count, into: &buffer) else {
                tally.garble("/" + path, "has no Cpus_allowed_list line with a CPU list")
                return nil
            }
            return candidate()
        case .failure(let failure):
            if !failure.isGone { tally.note("/" + path, failure) }
            return nil
        }
    }

    /// As `capturedCandidate`, for a thread whose `status` another probe
    /// has just read.
    mutating func knownCandidate(_ allowed: CPUSet) -> CPUSet? {
        let words = CPUWords(allowed).words
        for i in 0..<buffer.words.count { buffer.words[i] = i < words.count ? words[i] : 0 }
        if words.count > buffer.words.count { buffer.words += words[buffer.words.count...] }
        return candidate()
    }

    /// The mask in `buffer` ∩ online, when narrower than online and
    /// touching a dedicated CPU; judged on words, built into a set only
    /// for the few that are.
    private func candidate() -> CPUSet? {
        buffer.words.withUnsafeBufferPointer { mask -> CPUSet? in
            guard onlineWords.meets(mask, and: dedicatedWords), !onlineWords.isCovered(by: mask) else { return nil }
            return onlineWords.intersection(mask).set
        }
    }

    /// True when the cgroup has tasks and each belongs to a process
    /// holder that already holds every CPU of the cgroup.
    /// `known`: the leaf's tids as the walk read them, when it did.
    func coversCgroup(_ leaf: CgroupLeafScan.Leaf, known: [Int32]?? = nil) -> Bool {
        let listed = known ?? CgroupLeafScan.tasks(of: leaf.path, files: cpusets.files)
        guard let tids = listed, !tids.isEmpty else { return false }
        return tids.allSatisfy { tid in
            guard let pid = holderOfTask[tid], let holder = processHolders[pid] else { return false }
            return leaf.cpus.isSubset(of: holder.cpus)
        }
    }
}
