import Foundation

/// A captured root (`--root DIR`) written by a test in the layout `restrack
/// capture` writes and the kernel's formats: one NUMA node of `cpus` CPUs
/// with a 2 MiB page pool, `proc/stat`, cgroup v2 cpusets, task status
/// files, PCI functions with driver and IOMMU group links, disks and
/// `/proc/PID/fd` links. Every value a test asserts is written by that test.
struct HostRootBuilder {
    let path: String

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(in dir: String) throws {
        path = dir + "/root"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func link(_ relative: String, to target: String) throws {
        let url = URL(fileURLWithPath: path + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    /// Node 0 with CPUs 0..<cpus (no SMT), `memoryMB` of memory, and a 2 MiB
    /// pool with the kernel's `nr`, `free` and `surplus` counts.
    func topology(cpus: Int, memoryMB: Int = 16384, pages2M: (total: Int, free: Int, surplus: Int)) throws {
        let all = "0-\(cpus - 1)\n"
        for name in ["present", "online", "possible"] { try file("sys/devices/system/cpu/\(name)", all) }
        var stat = "cpu  0 0 0 0 0 0 0 0 0 0\n"
        for cpu in 0..<cpus {
            try file("sys/devices/system/cpu/cpu\(cpu)/topology/physical_package_id", "0\n")
            try file("sys/devices/system/cpu/cpu\(cpu)/topology/core_id", "\(cpu)\n")
            try file("sys/devices/system/cpu/cpu\(cpu)/topology/thread_siblings_list", "\(cpu)\n")
            stat += "cpu\(cpu) 1000 0 500 100000 10 0 0 0 0 0\n"
        }
        try file("proc/stat", stat + "intr 0\nctxt 0\n")
        let node = "sys/devices/system/node"
        try file("\(node)/possible", "0\n")
        try file("\(node)/online", "0\n")
        try file("\(node)/node0/cpulist", all)
        try file("\(node)/node0/distance", "10\n")
        let kb = memoryMB * 1024
        try file("\(node)/node0/meminfo", """
            Node 0 MemTotal:       \(kb) kB
            Node 0 MemFree:        \(kb / 2) kB
            Node 0 MemUsed:        \(kb / 2) kB

            """)
        let pool = "\(node)/node0/hugepages/hugepages-2048kB"
        try file("\(pool)/nr_hugepages", "\(pages2M.total)\n")
        try file("\(pool)/free_hugepages", "\(pages2M.free)\n")
        try file("\(pool)/surplus_hugepages", "\(pages2M.surplus)\n")
        try file("proc/meminfo", "MemTotal: \(kb) kB\nMemFree: \(kb / 2) kB\n")
        try file("proc/sys/kernel/hostname", "e2e-root\n")
        try file("proc/swaps", "Filename Type Size Used Priority\n")
        try file("sys/fs/cgroup/cpuset.cpus.effective", all)
        try file("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n")
    }

    /// A `stat` line (`proc_pid_stat`'s fields) with comm, parent and flags.
    static func statLine(pid: Int32, comm: String, ppid: Int32, flags: UInt64) -> String {
        let tail = (10...52).map { $0 == 22 ? "12345" : "0" }.joined(separator: " ")
        return "\(pid) (\(comm)) S \(ppid) \(pid) \(pid) 0 -1 \(flags) \(tail)\n"
    }

    /// A process with threads `(tid, Cpus_allowed_list)` in cgroup v2 `cgroup`.
    func process(_ pid: Int32, comm: String, threads: [(Int32, String)], cgroup: String, ppid: Int32 = 1,
                 flags: UInt64 = 0x0040_0100) throws {
        try file("proc/\(pid)/stat", Self.statLine(pid: pid, comm: comm, ppid: ppid, flags: flags))
        try file("proc/\(pid)/comm", comm + "\n")
        try file("proc/\(pid)/cgroup", "0::\(cgroup)\n")
        for (tid, allowed) in threads {
            try file("proc/\(pid)/task/\(tid)/stat", Self.statLine(pid: tid, comm: comm, ppid: ppid, flags: flags))
            try file("proc/\(pid)/task/\(tid)/status", """
                Name:\t\(comm)
                State:\tS (sleeping)
                Tgid:\t\(pid)
                Pid:\t\(tid)
                PPid:\t\(ppid)
                Threads:\t\(threads.count)
                Cpus_allowed_list:\t\(allowed)
                Mems_allowed_list:\t0

                """)
        }
    }

    /// `/proc/PID/fd/N` → `target` for each descriptor.
    func fds(_ pid: Int32, _ fds: [Int: String]) throws {
        try mkdir("proc/\(pid)/fd")
        for (fd, target) in fds { try link("proc/\(pid)/fd/\(fd)", to: target) }
    }

    /// A cgroup v2 directory with its effective CPUs and member threads.
    func cgroup(_ path: String, effective: String, threads: [Int32] = []) throws {
        let dir = "sys/fs/cgroup" + path
        try file(dir + "/cpuset.cpus.effective", effective + "\n")
        try file(dir + "/cgroup.controllers", "cpuset cpu io memory pids\n")
        try file(dir + "/cgroup.threads", threads.map { "\($0)\n" }.joined())
    }

    /// A PCI function under `pci0000:00` with its bus link, identity, driver
    /// and IOMMU group links (and the group's device list).
    func device(_ address: String, vendor: String, device: String, classCode: String, driver: String?,
                group: Int?) throws {
        let dir = "sys/devices/pci0000:00/\(address)"
        try file(dir + "/vendor", "0x\(vendor)\n")
        try file(dir + "/device", "0x\(device)\n")
        try file(dir + "/class", "0x\(classCode)\n")
        try file(dir + "/subsystem_vendor", "0x\(vendor)\n")
        try file(dir + "/subsystem_device", "0x0000\n")
        try file(dir + "/numa_node", "0\n")
        try link("sys/bus/pci/devices/\(address)", to: "../../../devices/pci0000:00/\(address)")
        if let driver {
            try mkdir("sys/bus/pci/drivers/\(driver)")
            try link(dir + "/driver", to: "../../../bus/pci/drivers/\(driver)")
        }
        if let group {
            try mkdir("sys/kernel/iommu_groups/\(group)/devices")
            try link(dir + "/iommu_group", to: "../../../kernel/iommu_groups/\(group)")
            try link("sys/kernel/iommu_groups/\(group)/devices/\(address)", to: "../../../../devices/pci0000:00/\(address)")
        }
    }

    /// Disk `name` (device number `dev`) under `parent` (a path below
    /// `sys/devices/`), linked from `sys/block` and `sys/dev/block`.
    func disk(_ name: String, under parent: String, dev: String) throws {
        let dir = "sys/devices/\(parent)/\(name)"
        try file(dir + "/dev", dev + "\n")
        try mkdir(dir + "/holders")
        try link("sys/block/\(name)", to: "../devices/\(parent)/\(name)")
        try link("sys/dev/block/\(dev)", to: "../../devices/\(parent)/\(name)")
    }
}
