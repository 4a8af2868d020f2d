import Foundation
@testable import HostProbes
import TrackerCore

/// A captured host root a libvirt test writes: domain files copied from
/// `Fixtures/libvirt` (or written inline), and the kernel's side of a
/// running guest — `proc/PID/status`, `proc/PID/task/TID/status` with the
/// thread's `Cpus_allowed_list`, `numa_maps`, the machine scope — in the
/// formats `proc_pid_status` and `numa_maps` print.
struct LibvirtTestRoot {
    static let fixtures = FixtureTree.fixtures.appendingPathComponent("libvirt")
    let dir: URL
    var root: String { dir.path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-libvirt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    /// Copies `Fixtures/libvirt/NAME` to `relative` (0600, as libvirt
    /// writes its state).
    func copy(_ name: String, to relative: String) throws {
        try write(relative, try Self.fixture(name))
    }

    func write(_ relative: String, _ text: String) throws {
        try write(relative, Data(text.utf8))
    }

    func write(_ relative: String, _ data: Data) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        chmod(url.path, 0o600)
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(relative), withIntermediateDirectories: true)
    }

    /// A QEMU process `pid` named `comm` whose vCPU threads `threads`
    /// (tid → allowed CPUs) are its tasks.
    func process(_ pid: Int32, comm: String = "qemu-system-x86", allowed: String = "0-31",
                 threads: [(tid: Int32, allowed: String)]) throws {
        try write("proc/\(pid)/status", Self.status(comm, pid: pid, tid: pid, allowed: allowed))
        try write("proc/\(pid)/task/\(pid)/status", Self.status(comm, pid: pid, tid: pid, allowed: allowed))
        for (i, t) in threads.enumerated() {
            try write("proc/\(pid)/task/\(t.tid)/status", Self.status("CPU \(i)/KVM", pid: pid, tid: t.tid, allowed: t.allowed))
        }
    }

    static func status(_ comm: String, pid: Int32, tid: Int32, allowed: String) -> String {
        "Name:\t\(comm)\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t\(pid)\nPid:\t\(tid)\nPPid:\t1\n"
            + "Cpus_allowed:\tffffffff\nCpus_allowed_list:\t\(allowed)\nMems_allowed_list:\t0-1\nvoluntary_ctxt_switches:\t10\n"
    }

    static var snapshot: HostSnapshot {
        HostSnapshot(hostname: "fixture", cells: [
            NUMACell(id: 0, cpus: [0, 1, 16, 17], pcpus: CPUSet(Array(2...7) + Array(18...23)), memoryMB: 65536),
            NUMACell(id: 1, cpus: [8, 9, 24, 25], pcpus: CPUSet(Array(10...15) + Array(26...31)), memoryMB: 65536),
        ])
    }

    func read(fault: (@Sendable (String) -> Int32?)? = nil, maxFiles: Int = LibvirtProbe.defaultMaxFiles) -> ForeignReading {
        LibvirtProbe(root: root, fault: fault, maxFiles: maxFiles).read(snapshot: Self.snapshot)
    }
}
