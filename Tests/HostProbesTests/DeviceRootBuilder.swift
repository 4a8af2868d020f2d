import Foundation
@testable import HostProbes
import TrackerCore

/// Builds a captured root for `DeviceUseProbe` in a temporary directory,
/// shaped like the kernel's: `sys/bus/pci/devices/ADDR` links into
/// `sys/devices/pci0000:00/…`, `sys/block/X` links to the disk under its
/// controller, `proc/PID/fd/N` links to what the process has open. Every
/// file is written by the test that needs it, so the expected values sit
/// beside the files that make them.
struct DeviceRootBuilder {
    let root: URL

    /// Under `base`, the temporary directory unless given.
    init(base: URL = FileManager.default.temporaryDirectory) throws {
        root = base.appendingPathComponent("restrack-devices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    var path: String { root.path }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent(relative), withIntermediateDirectories: true)
    }

    /// A symlink at `relative` whose target is written as given (relative
    /// like sysfs's, or absolute like a `/proc/PID/fd` entry's).
    func link(_ relative: String, to target: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }

    func fifo(_ relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard mkfifo(url.path, 0o644) == 0 else { throw FixtureTree.Failure(description: "mkfifo \(url.path) failed") }
    }

    /// A PCI function: its directory at `devicePath` (under
    /// `sys/devices/`, e.g. `pci0000:00/0000:00:01.0/0000:01:00.0`), the
    /// bus link, identity files and, when given, driver and IOMMU group links.
    @discardableResult
    func device(_ devicePath: String, vendor: String = "0x8086", classCode: String, driver: String? = nil,
                group: Int? = nil) throws -> String {
        let address = String(devicePath.split(separator: "/").last ?? "")
        let dir = "sys/devices/" + devicePath
        try write(dir + "/vendor", vendor + "\n")
        try write(dir + "/device", "0x1234\n")
        try write(dir + "/class", classCode + "\n")
        try link("sys/bus/pci/devices/" + address, to: "../../../devices/" + devicePath)
        if let driver {
            try mkdir("sys/bus/pci/drivers/" + driver)
            let depth = devicePath.split(separator: "/").count + 1
            try link(dir + "/driver", to: String(repeating: "../", count: depth) + "bus/pci/drivers/" + driver)
        }
        if let group {
            try mkdir("sys/kernel/iommu_groups/\(group)")
            let depth = devicePath.split(separator: "/").count + 1
            try link(dir + "/iommu_group", to: String(repeating: "../", count: depth) + "kernel/iommu_groups/\(group)")
            try link("sys/kernel/iommu_groups/\(group)/devices/\(address)", to: "../../../../devices/" + devicePath)
        }
        return dir
    }

    /// A disk (and its partitions, `name` + suffix) under `underDevice`
    /// (`pci0000:00/0000:00:02.0/virtio1/block`), linked from `sys/block`.
    func disk(_ name: String, under parent: String, dev: String, partitions: [(suffix: String, dev: String)] = []) throws {
        let dir = "sys/devices/\(parent)/\(name)"
        try write(dir + "/dev", dev + "\n")
        try mkdir(dir + "/holders")
        for p in partitions {
            try write("\(dir)/\(name)\(p.suffix)/dev", p.dev + "\n")
            try write("\(dir)/\(name)\(p.suffix)/partition", "\(p.suffix.filter(\.isNumber))\n")
            try mkdir("\(dir)/\(name)\(p.suffix)/holders")
        }
        try link("sys/block/\(name)", to: "../devices/\(parent)/\(name)")
    }

    /// A network interface of a device, with its `flags` and `operstate`.
    func interface(_ name: String, deviceDir: String, flags: String?, operstate: String? = nil) throws {
        let dir = "\(deviceDir)/net/\(name)"
        try mkdir(dir)
        if let flags { try write(dir + "/flags", flags + "\n") }
        if let operstate { try write(dir + "/operstate", operstate + "\n") }
    }

    /// A process with `comm` and descriptors linking to `fds` (fd → target).
    func process(_ pid: Int32, comm: String, fds: [Int: String]) throws {
        try write("proc/\(pid)/comm", comm + "\n")
        try mkdir("proc/\(pid)/fd")
        for (fd, target) in fds { try link("proc/\(pid)/fd/\(fd)", to: target) }
    }

    static func pci(_ address: String, classCode: String?, vendor: String = "8086", type: PCIDeviceType = .pci,
                    parent: String? = nil) -> PCIDevice {
        var d = PCIDevice(address: address, vendorID: vendor, productID: "1234", devType: type, parentAddr: parent)
        d.classCode = classCode
        return d
    }

    static func snapshot(_ devices: [PCIDevice]) -> HostSnapshot {
        HostSnapshot(hostname: "fixture", cells: [], pciDevices: devices)
    }
}
