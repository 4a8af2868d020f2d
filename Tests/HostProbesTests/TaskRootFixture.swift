import Foundation
@testable import HostProbes
import TrackerCore

/// A captured root written by a test: `proc/PID/{stat,cgroup,task/TID/status}`,
/// `sys/fs/cgroup/…/cpuset.cpus.effective` and `sys/devices/system/cpu/online`,
/// in the kernel's formats (stat fields as `proc_pid_stat` prints them,
/// status lines as `proc_pid_status`, cgroup as `proc_cgroup_show`).
struct TaskRootFixture {
    let dir: URL
    var root: String { dir.path }

    init(online: String) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-tasks-\(UUID().uuidString)")
        try write("sys/devices/system/cpu/online", online + "\n")
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(relative), withIntermediateDirectories: true)
    }

    /// A FIFO at `relative`: opening it for reading without O_NONBLOCK
    /// would wait for a writer forever.
    func fifo(_ relative: String) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard mkfifo(url.path, 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A `stat` line with `comm`, state, parent and flags in fields 2, 3, 4 and 9.
    static func statLine(pid: Int32, comm: String, state: String = "S", ppid: Int32 = 1, flags: UInt64 = 0x0040_0100) -> String {
        // Fields 5–8 (pgrp session tty_nr tpgid), 9 flags, then 10–52.
        let tail = (10...52).map { $0 == 22 ? "12345" : "0" }.joined(separator: " ")
        return "\(pid) (\(comm)) \(state) \(ppid) \(pid) \(pid) 0 -1 \(flags) \(tail)\n"
    }

    static func statusText(name: String, pid: Int32, tid: Int32, allowed: String) -> String {
        """
        Name:\t\(name)
        Umask:\t0022
        State:\tS (sleeping)
        Tgid:\t\(pid)
        Pid:\t\(tid)
        PPid:\t1
        Threads:\t1
        Cpus_allowed:\tff
        Cpus_allowed_list:\t\(allowed)
        Mems_allowed_list:\t0
        voluntary_ctxt_switches:\t10

        """
    }

    /// A process with threads `(tid, allowed cpulist)`, its stat and its
    /// cgroup v2 membership (`cgroup` nil: no `0::` line, a v1 host).
    func process(_ pid: Int32, comm: String, threads: [(Int32, String)], cgroup: String?, ppid: Int32 = 1,
                 flags: UInt64 = 0x0040_0100) throws {
        try write("proc/\(pid)/stat", Self.statLine(pid: pid, comm: comm, ppid: ppid, flags: flags))
        let v1 = "12:cpuset:/\n11:memory:/user.slice\n"
        try write("proc/\(pid)/cgroup", cgroup.map { v1 + "0::\($0)\n" } ?? v1)
        for (tid, allowed) in threads {
            try write("proc/\(pid)/task/\(tid)/status", Self.statusText(name: comm, pid: pid, tid: tid, allowed: allowed))
        }
    }

    /// A cgroup v2 directory with its effective CPUs and member tasks.
    func cgroup(_ path: String, effective: String, threads: [Int32]? = nil) throws {
        let dir = path == "/" ? "sys/fs/cgroup" : "sys/fs/cgroup" + path
        try write(dir + "/cpuset.cpus.effective", effective + "\n")
        try write(dir + "/cgroup.controllers", "cpuset cpu io memory pids\n")
        if let threads {
            try write(dir + "/cgroup.threads", threads.map { "\($0)\n" }.joined())
        }
    }

    /// One cell: `shared` CPUs and `dedicated` ones (`pcpus`).
    static func snapshot(shared: CPUSet, dedicated: CPUSet) -> HostSnapshot {
        HostSnapshot(hostname: "fixture", cells: [NUMACell(id: 0, cpus: shared, pcpus: dedicated, memoryMB: 4096)])
    }
}
