#if canImport(Glibc)
import Glibc
#endif

/// Cheap evidence that the host's structure (its tasks, cgroups, libvirt
/// domains and kubelet pods) may have changed since the last look, read on
/// every display tick in place of the structural scan itself:
///
/// - a task created: `proc/loadavg`'s last pid (moved by every fork and
///   every new thread), read under a root too: its `proc/` may be the
///   kernel's (a host's `/` mounted in a container), where a new thread
///   moves no directory stamp; a captured copy just never changes;
/// - a process gone (or made): the stamp of `proc/`, whose link count is the
///   number of processes on the live host and whose time moves with its pid
///   directories on a captured root. A thread ending inside a process that
///   stays moves neither, nor does the thread count, on purpose: busy
///   hosts start and end pool threads every second, and a holder whose
///   pinned thread ended is only narrower until the safety rescan;
/// - libvirt's `run/` and `etc/` state directories (libvirt writes its
///   status and config XML by rename, which stamps the directory);
/// - the kubelet's three checkpoint files (rewritten by rename too);
/// - the cgroup directories that hold VMs and pods (`machine.slice`,
///   `kubepods.slice` and its QoS slices, cgroup v2 and v1 cpuset): a
///   directory's link count and time change when a subdirectory is made or
///   removed, on kernfs as on a tmpfs copy.
///
/// What moves none of these (an affinity set on a running task, a cpuset
/// written, a driver bound, a file rewritten in place) waits for the
/// observer's safety rescan.
struct ChangeSignals: Sendable {
    let base: String

    static let watched: [String] = [
        "run/libvirt/qemu", "etc/libvirt/qemu",
        KubeletReadingBuilder.cpuFile, KubeletReadingBuilder.memoryFile, KubeletReadingBuilder.deviceFile,
    ] + KubeletPodCgroups.bases.flatMap { cgroup in
        ["", "/machine.slice", "/kubepods.slice", "/kubepods.slice/kubepods-burstable.slice",
         "/kubepods.slice/kubepods-besteffort.slice", "/kubepods", "/kubepods/burstable", "/kubepods/besteffort"]
            .map { cgroup + $0 }
    }

    init(root: String?) {
        base = root ?? ""
    }

    /// What the signals read at one moment, to compare with the last
    /// reading; a path that cannot be stat'ed reads as nil, so its
    /// appearing or vanishing is a change too.
    struct Reading: Equatable, Sendable {
        var lastPid: Int64
        var stamps: [FileStamp?]
    }

    /// The signals now.
    func current() -> Reading {
        var stamps: [FileStamp?] = [FileStamp(path: base + "/proc")]
        stamps.reserveCapacity(Self.watched.count + 1)
        for path in Self.watched { stamps.append(FileStamp(path: base + "/" + path)) }
        return Reading(lastPid: Self.lastPid(base + "/proc/loadavg"), stamps: stamps)
    }

    /// The fifth field of `/proc/loadavg`, the last pid handed out; the
    /// others (load averages, running and total tasks) move without any
    /// task being created.
    static func lastPid(_ path: String) -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return -1 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return -1 }
        return lastPidField(buffer[0..<n])
    }

    /// "0.10 0.20 0.30 1/126 15210\n" -> 15210; -2 when garbled.
    static func lastPidField(_ text: ArraySlice<UInt8>) -> Int64 {
        let fields = text.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A })
        guard fields.count >= 5 else { return -2 }
        var value: Int64 = 0
        for b in fields[4] {
            guard b >= 0x30, b <= 0x39 else { return -2 }
            value = value &* 10 &+ Int64(b - 0x30)
        }
        return value
    }
}
