#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `restrack capture DIR`: copies from a host exactly the files restrack
/// reads into a tree that `--root DIR` replays (topology, processes,
/// cgroups, drivers, what the host itself uses), in the form the probes
/// expect:
/// - the CPU and node files of the topology, memory and hugepage probes;
/// - each PCI device's attributes, its `driver`, `iommu_group`, `physfn`
///   and `virtfnN` links, its `vfio-dev/*` and `drm/*` entries (names only),
///   and its interfaces' `flags` and `operstate`; each PCI driver's
///   directory with its `bind` file (empty) and the links naming the
///   devices bound to it; `sys/kernel/iommu_groups/
///   N/devices` links; `sys/class/net` links and their `flags`/`operstate`;
/// - `sys/block` links with each disk's and partition's `dev`, `partition`,
///   `dm/name`, `holders/*` and `multipath/*` links;
/// - `proc/stat`, `proc/meminfo`, the hostname, `proc/mounts`, `proc/swaps`,
///   `proc/net/if_inet6` and `proc/self/mountinfo` (written as a real
///   `proc/self/` directory: the capturing process's view of the mounts);
/// - each process's `stat`, `status`, `comm` and `cgroup`, each thread's
///   `status`, and the `fd` links that point into `/dev/vfio`;
/// - the cgroup v2 tree's directories with `cpuset.cpus.effective` and
///   `cgroup.threads` (else `cgroup.procs`).
///
/// Never an `environ`, a `cmdline` or any other file: what a bug report
/// carries is the resource picture, not the processes' secrets. Every file
/// is read as a regular file without blocking and under a size cap, so a
/// FIFO or device in the source cannot hang or flood the capture.
public struct HostCapture {
    /// What the capture read from (nil: the live `/`).
    public let source: SysfsReader
    public let destination: String

    public struct Summary: Equatable, Sendable {
        public var files = 0
        public var links = 0
        /// Files that vanished or could not be read (a process that exited
        /// mid-capture, another user's `/proc/PID` under hidepid).
        public var skipped = 0
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notEmpty(String)
        case cannotCreate(String, String)

        public var description: String {
            switch self {
            case .notEmpty(let dir):
                return "capture directory \(dir) exists and is not empty; give a new or empty directory"
            case .cannotCreate(let path, let why):
                return "capture directory \(path): cannot be created (\(why))"
            }
        }
    }

    public init(source root: String? = nil, destination: String) {
        source = SysfsReader(root: root)
        self.destination = destination
    }

    static let cpuFiles = ["present", "online", "possible", "offline", "isolated", "kernel_max"]
    static let cpuTopologyFiles = ["physical_package_id", "thread_siblings_list", "thread_siblings",
                                   "core_siblings_list", "core_id", "die_id"]
    static let nodeFiles = ["possible", "online", "has_cpu", "has_memory", "has_normal_memory"]
    static let nodeDirFiles = ["cpulist", "cpumap", "meminfo", "distance"]
    static let hugepageFiles = ["nr_hugepages", "free_hugepages", "surplus_hugepages", "resv_hugepages"]
    /// What libpci's sysfs method and the PCI and device-use probes read.
    /// Not `resourceN`, `rom` or the write-only `remove`/`reset`: BARs are
    /// device memory, not description.
    static let pciFiles = ["vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision",
                           "irq", "resource", "config", "numa_node", "local_cpulist", "local_cpus", "enable",
                           "boot_vga", "modalias", "label", "sriov_totalvfs", "sriov_numvfs", "sriov_offset",
                           "sriov_stride", "sriov_vf_device", "sriov_drivers_autoprobe"]
    static let pciLinks = ["driver", "iommu_group", "physfn"]
    static let netFiles = ["flags", "operstate"]
    static let procFiles = ["stat", "meminfo", "mounts", "swaps", "sys/kernel/hostname", "net/if_inet6",
                             "self/mountinfo"]
    static let pidFiles = ["stat", "status", "comm", "cgroup"]
    static let taskFiles = ["status"]
    static let fileLimit = 16 << 20

    /// Runs the capture. `DIR` must not exist or be empty.
    public func run() throws(Failure) -> Summary {
        try prepare()
        var w = Writer(source: source, destination: destination)
        captureCPUs(&w)
        captureNodes(&w)
        for size in source.list("sys/kernel/mm/hugepages") ?? [] where size.hasPrefix("hugepages-") {
            for f in Self.hugepageFiles { w.copy("sys/kernel/mm/hugepages/\(size)/\(f)") }
        }
        capturePCI(&w)
        captureNet(&w)
        captureBlock(&w)
        for f in Self.procFiles { w.copy("proc/\(f)") }
        captureProcesses(&w)
        captureCgroups(&w)
        return w.summary
    }

    private func prepare() throws(Failure) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: destination, isDirectory: &isDir) {
            let entries = (try? fm.contentsOfDirectory(atPath: destination)) ?? ["?"]
            if !isDir.boolValue || !entries.isEmpty { throw .notEmpty(destination) }
        }
        do {
            try fm.createDirectory(atPath: destination, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreate(destination, error.localizedDescription)
        }
    }

    private func captureCPUs(_ w: inout Writer) {
        let dir = CPUTopologyProbe.cpuDir
        for f in Self.cpuFiles { w.copy("\(dir)/\(f)") }
        for name in source.list(dir) ?? [] where name.hasPrefix("cpu") && Int(name.dropFirst(3)) != nil {
            guard source.isDirectory("\(dir)/\(name)") else { continue }
            w.directory("\(dir)/\(name)")
            w.copy("\(dir)/\(name)/online")
            for f in Self.cpuTopologyFiles { w.copy("\(dir)/\(name)/topology/\(f)") }
        }
    }

    private func captureNodes(_ w: inout Writer) {
        let dir = NUMAProbe.nodeDir
        for f in Self.nodeFiles { w.copy("\(dir)/\(f)") }
        for name in source.list(dir) ?? [] where name.hasPrefix("node") && Int(name.dropFirst(4)) != nil {
            let node = "\(dir)/\(name)"
            guard source.isDirectory(node) else { continue }
            w.directory(node)
            for f in Self.nodeDirFiles { w.copy("\(node)/\(f)") }
            for size in source.list("\(node)/hugepages") ?? [] where size.hasPrefix("hugepages-") {
                for f in Self.hugepageFiles { w.copy("\(node)/hugepages/\(size)/\(f)") }
            }
        }
    }

    /// `sys/bus/pci/devices/X` are links to the real directories under
    /// `sys/devices`; both are reproduced, so relative links resolve.
    private func capturePCI(_ w: inout Writer) {
        let bus = PCIProbe.busDir
        guard let names = source.list(bus) else { return }
        w.directory(bus)
        var groups: Set<String> = []
        defer {
            captureIOMMUGroups(&w, groups)
            captureDrivers(&w)
        }
        for name in names where PCIAddress.parse(name) != nil {
            let link = "\(bus)/\(name)"
            guard let dir = w.copyLinkAndTarget(link) else { continue }
            for f in Self.pciFiles { w.copy("\(dir)/\(f)") }
            for l in Self.pciLinks { w.link("\(dir)/\(l)") }
            let entries = source.list(dir) ?? []
            for entry in entries where entry.hasPrefix("virtfn") && Int(entry.dropFirst(6)) != nil {
                w.link("\(dir)/\(entry)")
            }
            // Only the names are read: a VFIO character device's and a DRM
            // card's presence.
            for sub in ["vfio-dev", "drm"] {
                for entry in source.list("\(dir)/\(sub)") ?? [] { w.directory("\(dir)/\(sub)/\(entry)") }
            }
            if let group = source.linkTarget("\(dir)/iommu_group")?.split(separator: "/").last,
               Int(group) != nil {
                groups.insert(String(group))
            }
            // The device's interfaces as the PCI probe lists them: `net/`
            // and a virtio child's `net/` (sys/class/net may not name them
            // all in a capture of a capture).
            var netDirs = ["\(dir)/net"]
            for entry in entries where entry.hasPrefix("virtio") && Int(entry.dropFirst(6)) != nil {
                netDirs.append("\(dir)/\(entry)/net")
            }
            for net in netDirs {
                for name in source.list(net) ?? [] where source.isDirectory("\(net)/\(name)") {
                    w.directory("\(net)/\(name)")
                    for f in Self.netFiles { w.copy("\(net)/\(name)/\(f)") }
                }
            }
        }
    }

    /// Every interface's `flags` and `operstate`, at its real place (under
    /// its PCI device, its `virtioN` child, or `devices/virtual/net`).
    private func captureNet(_ w: inout Writer) {
        captureClass("sys/class/net", files: Self.netFiles, &w)
    }

    /// Each PCI driver's directory as the PCI probe reads it
    /// (`PCIBoundDrivers`): the links named by the addresses of the
    /// devices bound to it, and `bind` (write-only, so written empty) when
    /// the source has it; a source whose driver directories have no `bind`
    /// (a capture of an older capture) gives bare directories, which the
    /// probe does not take bindings from.
    private func captureDrivers(_ w: inout Writer) {
        let dir = PCIBoundDrivers.driversDir
        for driver in source.list(dir) ?? [] {
            let path = "\(dir)/\(driver)"
            guard let entries = source.list(path) else { continue }
            w.directory(path)
            if entries.contains("bind") { w.emptyFile("\(path)/bind") }
            for entry in entries where PCIAddress.parse(entry) != nil { w.link("\(path)/\(entry)") }
        }
    }

    /// The members of the IOMMU groups of the PCI devices, as links.
    private func captureIOMMUGroups(_ w: inout Writer, _ groups: Set<String>) {
        for g in groups.sorted() {
            let dir = "sys/kernel/iommu_groups/\(g)/devices"
            for entry in source.list(dir) ?? [] { w.link("\(dir)/\(entry)") }
        }
    }

    /// `sys/block` links (which PCI device backs `vda`), and in each disk
    /// and partition what tells its use: `dev` (to match mountinfo), the
    /// `partition` marker, a device-mapper `dm/name`, the `holders` (dm,
    /// md) and native-multipath `multipath` links.
    private func captureBlock(_ w: inout Writer) {
        let dir = BlockDeviceScan.blockDir
        guard let names = source.list(dir) else { return }
        w.directory(dir)
        for name in names {
            guard let disk = w.copyLinkAndTarget("\(dir)/\(name)") else { continue }
            var nodes = [disk]
            for entry in source.list(disk) ?? [] where entry.count > name.count && entry.hasPrefix(name)
                && source.exists("\(disk)/\(entry)/partition") {
                nodes.append("\(disk)/\(entry)")
            }
            for node in nodes {
                w.directory(node)
                for f in ["dev", "partition", "dm/name"] { w.copy("\(node)/\(f)") }
                for sub in ["holders", "multipath"] {
                    for entry in source.list("\(node)/\(sub)") ?? [] { w.link("\(node)/\(sub)/\(entry)") }
                }
            }
        }
    }

    /// Each entry of a `/sys/class` directory: its link, the device
    /// directory the link names, and `files` in that directory.
    private func captureClass(_ cls: String, files: [String], _ w: inout Writer) {
        guard let names = source.list(cls) else { return }
        w.directory(cls)
        for name in names {
            guard let dir = w.copyLinkAndTarget("\(cls)/\(name)") else { continue }
            for f in files { w.copy("\(dir)/\(f)") }
        }
    }

    private func captureProcesses(_ w: inout Writer) {
        for pid in source.list("proc") ?? [] where Self.isNumber(pid) {
            let dir = "proc/\(pid)"
            guard source.isDirectory(dir) else { continue }
            w.directory(dir)
            for f in Self.pidFiles { w.copy("\(dir)/\(f)") }
            for tid in source.list("\(dir)/task") ?? [] where Self.isNumber(tid) {
                for f in Self.taskFiles { w.copy("\(dir)/task/\(tid)/\(f)") }
            }
            for fd in source.list("\(dir)/fd") ?? [] where Self.isNumber(fd) {
                let link = "\(dir)/fd/\(fd)"
                if let target = source.linkTarget(link), target.hasPrefix("/dev/vfio/") { w.link(link, target: target) }
            }
        }
    }

    /// The cgroup v2 tree as the task scanner walks it: every directory it
    /// lists (so leaves stay leaves), and in each that has
    /// `cpuset.cpus.effective` that file and `cgroup.threads` (else
    /// `cgroup.procs`). A cgroup without the file has none below it (the
    /// cpuset controller is enabled top-down), so the walk stops there, as
    /// the scanner does. Links are not followed; depth and count are bounded.
    private func captureCgroups(_ w: inout Writer) {
        var pending = [(CgroupCPUSets.mount, 0)]
        var visited = 0
        while let (dir, depth) = pending.popLast(), visited < 200_000 {
            visited += 1
            w.directory(dir)
            guard w.copy("\(dir)/cpuset.cpus.effective") else { continue }
            if !w.copy("\(dir)/cgroup.threads") { w.copy("\(dir)/cgroup.procs") }
            guard depth < 64 else { continue }
            for entry in source.list(dir) ?? [] where source.isDirectory("\(dir)/\(entry)") {
                pending.append(("\(dir)/\(entry)", depth + 1))
            }
        }
    }

    static func isNumber(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
