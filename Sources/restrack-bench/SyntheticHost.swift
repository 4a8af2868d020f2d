import Foundation

/// A captured root (`--root DIR`) with as many CPUs, VFs and tasks as asked:
/// two NUMA nodes with two hyperthreads per core, PFs of 64 VFs each (bound
/// to vfio-pci or a VF driver, with network interfaces), processes of four
/// threads each with some pinned to a few CPUs, and a cgroup v2 tree with
/// machine.slice scopes narrowed to dedicated CPUs; and foreign owners:
/// libvirt domains and kubelet pods on dedicated CPUs (see the `+Libvirt`
/// and `+Kubelet` files). The layout is what `restrack capture` writes, so
/// the probes read it exactly as a live host.
final class SyntheticHost {
    let root: String
    let cpus: Int
    let vfs: Int
    let tasks: Int
    let domains: Int
    let pods: Int
    /// Each VF's IOMMU group, for the VFIO descriptors of domains.
    private(set) var vfioGroup: [String: Int] = [:]
    /// VFs bound to vfio-pci, in address order.
    private var vfioVFs: [String] = []
    /// Directories made so far: 100,000 files would otherwise cost as many
    /// `mkdir -p` walks.
    private var made: Set<String> = []

    private var fm: FileManager { .default }

    init(root: String, cpus: Int, vfs: Int, tasks: Int, domains: Int = 0, pods: Int = 0) {
        self.root = root
        self.cpus = cpus
        self.vfs = vfs
        self.tasks = tasks
        self.domains = domains
        self.pods = pods
    }

    private func parent(of path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        guard !made.contains(dir) else { return }
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        made.insert(dir)
    }

    func write() throws {
        try writeCPUs()
        try writeNodes()
        try writePCI()
        try writeTasks()
        try writeCgroups()
        try writeForeignOwners()
        try file("proc/sys/kernel/hostname", "bench-\(cpus)c\n")
        try file("proc/meminfo", "MemTotal: \(memoryKB * 2) kB\nMemFree: \(memoryKB) kB\n")
        try file("proc/mounts", "/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n")
        try file("proc/swaps", "Filename Type Size Used Priority\n")
    }

    var memoryKB: Int { 256 << 20 }

    /// Plain open/write: FileManager's createFile writes through a
    /// temporary file and a rename, which for 100,000 files dominates.
    func file(_ relative: String, _ text: String) throws {
        let path = root + "/" + relative
        try parent(of: path)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchFailure("cannot write \(path): errno \(errno)") }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw BenchFailure("cannot write \(path): short write") }
    }

    func link(_ relative: String, to target: String) throws {
        let path = root + "/" + relative
        try parent(of: path)
        try fm.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    /// CPU i and i + cpus/2 are hyperthreads of one core; the first half of
    /// each half is node 0.
    func node(ofCPU cpu: Int) -> Int { (cpu % max(1, cpus / 2)) < max(1, cpus / 4) ? 0 : 1 }

    private func writeCPUs() throws {
        let dir = "sys/devices/system/cpu"
        let all = "0-\(cpus - 1)\n"
        for name in ["present", "online", "possible"] { try file("\(dir)/\(name)", all) }
        let half = max(1, cpus / 2)
        // isolcpus: all but the first eighth of cores (both hyperthreads)
        // are dedicated, so the task scan has pinned guests to judge; with
        // no dedicated CPU it would have nothing to do.
        if cpus >= 8 {
            let keep = cpus / 8
            try file("\(dir)/isolated", "\(keep)-\(half - 1),\(half + keep)-\(cpus - 1)\n")
        }
        for cpu in 0..<cpus {
            let core = cpu % half
            let siblings = cpus >= 2 ? "\(core),\(core + half)\n" : "\(cpu)\n"
            try file("\(dir)/cpu\(cpu)/topology/physical_package_id", "\(node(ofCPU: cpu))\n")
            try file("\(dir)/cpu\(cpu)/topology/thread_siblings_list", siblings)
        }
        var stat = "cpu  0 0 0 0 0 0 0 0 0 0\n"
        for cpu in 0..<cpus { stat += "cpu\(cpu) \(1000 + cpu) 0 \(500 + cpu) 100000 10 0 \(cpu) 0 0 0\n" }
        stat += "intr 0\nctxt 0\n"
        try file("proc/stat", stat)
    }

    private func writeNodes() throws {
        let dir = "sys/devices/system/node"
        try file("\(dir)/possible", "0-1\n")
        try file("\(dir)/online", "0-1\n")
        for n in 0..<2 {
            let list = (0..<cpus).filter { node(ofCPU: $0) == n }.map(String.init).joined(separator: ",")
            try file("\(dir)/node\(n)/cpulist", list + "\n")
            try file("\(dir)/node\(n)/distance", n == 0 ? "10 21\n" : "21 10\n")
            try file("\(dir)/node\(n)/meminfo", """
                Node \(n) MemTotal:       \(memoryKB) kB
                Node \(n) MemFree:        \(memoryKB / 2) kB
                Node \(n) MemUsed:        \(memoryKB / 2) kB

                """)
            for (size, total) in [(2048, 16384), (1048576, 32)] {
                let pool = "\(dir)/node\(n)/hugepages/hugepages-\(size)kB"
                try file("\(pool)/nr_hugepages", "\(total)\n")
                try file("\(pool)/free_hugepages", "\(total / 2)\n")
                try file("\(pool)/surplus_hugepages", "0\n")
            }
        }
    }

    /// PFs 0000:BB:00.0 with VFs 0000:BB:01.0 … on bus BB, 64 VFs per PF.
    private func writePCI() throws {
        let perPF = 64
        let pfs = (vfs + perPF - 1) / perPF
        let devices = "sys/devices/pci0000:00"
        var group = 100
        for p in 0..<pfs {
            let bus = String(format: "%02x", 0x10 + p)
            let pf = "0000:\(bus):00.0"
            let count = min(perPF, vfs - p * perPF)
            try device(pf, devices: devices, deviceID: "0x158b", node: p % 2, driver: "i40e", group: group)
            group += 1
            try file("\(devices)/\(pf)/sriov_totalvfs", "\(perPF)\n")
            try file("\(devices)/\(pf)/sriov_numvfs", "\(count)\n")
            try file("\(devices)/\(pf)/net/pf\(p)/flags", "0x1003\n")
            try file("\(devices)/\(pf)/net/pf\(p)/operstate", "up\n")
            for v in 0..<count {
                let vf = "0000:\(bus):\(String(format: "%02x", 1 + v / 8)).\(v % 8)"
                let driver = v % 2 == 0 ? "vfio-pci" : "iavf"
                try device(vf, devices: devices, deviceID: "0x154c", node: p % 2, driver: driver, group: group)
                if driver == "vfio-pci" {
                    vfioGroup[vf] = group
                    vfioVFs.append(vf)
                }
                group += 1
                try link("\(devices)/\(vf)/physfn", to: "../\(pf)")
                try link("\(devices)/\(pf)/virtfn\(v)", to: "../\(vf)")
                if driver == "iavf" {
                    try file("\(devices)/\(vf)/net/pf\(p)v\(v)/flags", v % 4 == 1 ? "0x1003\n" : "0x1002\n")
                    try file("\(devices)/\(vf)/net/pf\(p)v\(v)/operstate", v % 4 == 1 ? "up\n" : "down\n")
                }
            }
        }
    }

    private func device(_ address: String, devices: String, deviceID: String, node: Int, driver: String,
                        group: Int) throws {
        let dir = "\(devices)/\(address)"
        try file("\(dir)/vendor", "0x8086\n")
        try file("\(dir)/device", "\(deviceID)\n")
        try file("\(dir)/class", "0x020000\n")
        try file("\(dir)/subsystem_vendor", "0x8086\n")
        try file("\(dir)/subsystem_device", "0x0000\n")
        try file("\(dir)/numa_node", "\(node)\n")
        try link("\(dir)/driver", to: "../../../bus/pci/drivers/\(driver)")
        // The driver's directory lists the device, as the driver core
        // makes it on bind, with the `bind` and `unbind` files every driver
        // directory has.
        let drivers = "sys/bus/pci/drivers/\(driver)"
        if !made.contains(root + "/" + drivers) {
            try file("\(drivers)/bind", "")
            try file("\(drivers)/unbind", "")
        }
        try link("\(drivers)/\(address)", to: "../../../../devices/pci0000:00/\(address)")
        try link("\(dir)/iommu_group", to: "../../../kernel/iommu_groups/\(group)")
        try link("sys/bus/pci/devices/\(address)", to: "../../../devices/pci0000:00/\(address)")
    }

    /// Processes of four threads; every tenth process pinned to two CPUs
    /// (a guest's vCPUs), every fiftieth holding a VFIO group open.
    private func writeTasks() throws {
        let threadsPerProcess = 4
        let processes = (tasks + threadsPerProcess - 1) / threadsPerProcess
        let all = "0-\(cpus - 1)"
        for i in 0..<processes {
            let pid = 1000 + i * threadsPerProcess
            let pinned = i % 10 == 0
            let allowed = pinned ? "\((2 * i) % cpus),\((2 * i + 1) % cpus)" : all
            let comm = pinned ? "qemu-kvm" : "worker\(i % 7)"
            let cgroup = pinned ? "0::/machine.slice/machine-qemu\\x2d\(i).scope\n" : "0::/system.slice/app\(i % 5).service\n"
            let threads = min(threadsPerProcess, tasks - i * threadsPerProcess)
            try file("proc/\(pid)/comm", comm + "\n")
            try file("proc/\(pid)/cgroup", cgroup)
            try file("proc/\(pid)/stat", stat(pid: pid, comm: comm))
            try file("proc/\(pid)/status", status(pid: pid, tgid: pid, comm: comm, allowed: allowed))
            for t in 0..<threads {
                let tid = pid + t
                try file("proc/\(pid)/task/\(tid)/comm", comm + "\n")
                try file("proc/\(pid)/task/\(tid)/stat", stat(pid: tid, comm: comm))
                try file("proc/\(pid)/task/\(tid)/status", status(pid: tid, tgid: pid, comm: comm, allowed: allowed))
            }
            if i % 50 == 0 {
                try link("proc/\(pid)/fd/20", to: "/dev/vfio/\(101 + (i / 50) % max(1, vfs))")
            }
        }
    }

    func stat(pid: Int, comm: String) -> String {
        "\(pid) (\(comm)) S 1 \(pid) \(pid) 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 1 0 \(10_000 + pid) 1000000 100\n"
    }

    func status(pid: Int, tgid: Int, comm: String, allowed: String) -> String {
        """
        Name:\t\(comm)
        State:\tS (sleeping)
        Tgid:\t\(tgid)
        Pid:\t\(pid)
        PPid:\t1
        Uid:\t0\t0\t0\t0
        Threads:\t4
        Cpus_allowed_list:\t\(allowed)
        Mems_allowed_list:\t0-1

        """
    }

    /// The dedicated CPUs (the isolated ones) in order.
    private var dedicatedCPUs: [Int] {
        guard cpus >= 8 else { return Array(0..<cpus) }
        let half = cpus / 2, keep = cpus / 8
        return (0..<cpus).filter { ($0 % half) >= keep }
    }

    /// Domains first, one dedicated CPU each (shared round when they run
    /// out), then pods on the CPUs left, each a CPU while any is left.
    /// Every second domain gets a vfio-pci VF from the first PFs; pods get
    /// those of the last PF, which the device plugin registers.
    private func writeForeignOwners() throws {
        guard domains > 0 || pods > 0 else { return }
        let dedicated = dedicatedCPUs
        var next = 0
        let pluginVFs = Array(vfioVFs.suffix(min(32, vfioVFs.count / 2)))
        var domainVFs = vfioVFs.dropLast(pluginVFs.count)[...]
        var list: [Domain] = []
        for i in 0..<domains {
            let cpu = dedicated.isEmpty ? 0 : dedicated[next % dedicated.count]
            next += 1
            let vf = i % 2 == 0 ? domainVFs.popFirst() : nil
            list.append(Domain(index: i, cpu: cpu, node: node(ofCPU: cpu), vf: vf, running: i % 5 != 4))
        }
        try writeDomains(list)
        var podList: [Pod] = []
        var plugin = pluginVFs[...]
        for i in 0..<pods {
            let cpu: Int? = next < dedicated.count ? dedicated[next] : nil
            next += 1
            let node = cpu.map { self.node(ofCPU: $0) } ?? i % 2
            podList.append(Pod(index: i, cpu: cpu, node: node, vf: i % 5 == 0 ? plugin.popFirst() : nil,
                               hugepages: i % 3 == 0))
        }
        if pods > 0 { try writePods(podList, registered: pluginVFs) }
    }

    private func writeCgroups() throws {
        let base = "sys/fs/cgroup"
        try file("\(base)/cpuset.cpus.effective", "0-\(cpus - 1)\n")
        try file("\(base)/machine.slice/cpuset.cpus.effective", "0-\(cpus - 1)\n")
        try file("\(base)/system.slice/cpuset.cpus.effective", "0-\(cpus - 1)\n")
        for i in stride(from: 0, to: (tasks + 3) / 4, by: 10) {
            try file("\(base)/machine.slice/machine-qemu\\x2d\(i).scope/cpuset.cpus.effective",
                     "\((2 * i) % cpus),\((2 * i + 1) % cpus)\n")
        }
        for s in 0..<5 { try file("\(base)/system.slice/app\(s).service/cpuset.cpus.effective", "0-\(cpus - 1)\n") }
    }
}
