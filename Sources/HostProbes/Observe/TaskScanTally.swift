import TrackerCore

/// What one task scan could not see, counted so that a host with 10,000
/// tasks of another user, or a captured root full of garbage, yields a few
/// lines rather than one per task. Each line says what is unknown and that
/// it is not taken as free.
struct TaskScanTally {
    private(set) var denied = 0
    private var deniedExample = ""
    private(set) var garbage = 0
    private var garbageExample = ""
    private(set) var unreadable = 0
    private var unreadableExample = ""
    var tasksPastLimit: (limit: Int, processes: Int)?
    var cgroupsSkipped = 0
    var cgroupsPastLimit: Int?
    var garbledCpusets: [String] = []
    var procUnlisted: String?
    /// Above 1: the reader's /proc shows only its own PID namespace.
    var pidNamespaceLevels = 1
    /// `/proc`'s option hiding other users' processes from this reader.
    var procHidepid: String?

    /// Another user's task (EACCES/EPERM).
    mutating func deny(_ path: String, _ failure: TaskFiles.Failure) {
        if denied == 0 { deniedExample = "\(path): \(failure.words)" }
        denied += 1
    }

    /// A file not in the kernel's format, or not a regular file.
    mutating func garble(_ path: String, _ problem: String) {
        if garbage == 0 { garbageExample = "\(path) \(problem)" }
        garbage += 1
    }

    /// Any other read error (EIO, ENOMEM…).
    mutating func fail(_ path: String, _ failure: TaskFiles.Failure) {
        if unreadable == 0 { unreadableExample = "\(path): \(failure.words)" }
        unreadable += 1
    }

    /// Sorts a failure that is not "gone" into denied, garbage or unreadable.
    mutating func note(_ path: String, _ failure: TaskFiles.Failure) {
        if failure.isDenied {
            deny(path, failure)
        } else if failure == .notRegular {
            garble(path, "is not a regular file")
        } else {
            fail(path, failure)
        }
    }

    private static let unknown = "the CPUs they are pinned to are unknown (restrack still hands out CPUs no visible "
        + "task pins, and `check` fails until every task can be seen)"

    /// Every note, the blind spots first.
    var lines: [String] { blindSpots + notes }

    /// What hides who pins CPUs: tasks or cgroups not looked at.
    var blindSpots: [String] {
        var out: [String] = []
        if let procUnlisted {
            out.append("\(procUnlisted): no task could be looked at; \(Self.unknown).")
        }
        if pidNamespaceLevels > 1 {
            out.append("restrack runs in a child PID namespace (\(pidNamespaceLevels) levels deep): tasks outside it are not visible, "
                       + "\(Self.unknown); run it in the host's PID namespace to see them.")
        }
        if let procHidepid {
            out.append("/proc is mounted with \(procHidepid): other users' processes are hidden from restrack, "
                       + "\(Self.unknown); run restrack as root to see them.")
        }
        if denied > 0 {
            out.append("\(denied) \(denied == 1 ? "task" : "tasks") of other users not visible (e.g. \(SafeText.escape(deniedExample))): "
                       + "\(Self.unknown); run restrack as root to see them.")
        }
        if garbage > 0 {
            out.append("\(garbage) \(garbage == 1 ? "task" : "tasks") skipped, \(garbage == 1 ? "its" : "their") /proc files not in the kernel's format "
                       + "(e.g. \(SafeText.escape(garbageExample))): \(Self.unknown).")
        }
        if unreadable > 0 {
            out.append("\(unreadable) \(unreadable == 1 ? "task" : "tasks") could not be read (e.g. \(SafeText.escape(unreadableExample))): "
                       + "\(Self.unknown).")
        }
        if let (limit, processes) = tasksPastLimit {
            out.append("Task scan stopped at \(limit) tasks; \(processes) more processes were not looked at: \(Self.unknown).")
        }
        if let cgroupsPastLimit {
            out.append("Cgroup scan stopped at \(cgroupsPastLimit) cgroups; \(cgroupsSkipped) were not looked at: "
                       + "the CPUs they confine are unknown.")
        } else if cgroupsSkipped > 0 {
            out.append("\(cgroupsSkipped) \(cgroupsSkipped == 1 ? "cgroup" : "cgroups") could not be read or named: "
                       + "the CPUs they confine are unknown.")
        }
        return out
    }

    /// Notes that hide nothing: a garbled cpuset, for which the nearest
    /// ancestor's set stands in.
    var notes: [String] {
        var out: [String] = []
        if !garbledCpusets.isEmpty {
            let first = SafeText.escape("/" + garbledCpusets[0])
            out.append("\(garbledCpusets.count) cpuset.cpus.effective \(garbledCpusets.count == 1 ? "file holds" : "files hold") no CPU list "
                       + "(e.g. \(first)); the nearest ancestor's set was used.")
        }
        return out
    }
}
