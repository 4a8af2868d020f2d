import Foundation
@testable import HostProbes
import Testing
import TrackerCore

@Suite struct HostCaptureTests {
    private static func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("restrack-capture-\(UUID().uuidString)").path
    }

    /// What may differ between two reads of one host a moment apart (free
    /// memory moves) or between two roots (the root's path in warnings).
    private static func comparable(_ s: HostSnapshot, root: String) -> HostSnapshot {
        var s = s
        s.warnings = s.warnings.map { $0.replacingOccurrences(of: root, with: "") }
        for c in s.cells.indices {
            s.cells[c].memoryFreeMB = nil
            let smallest = s.cells[c].mempages.map(\.sizeKB).min()
            for p in s.cells[c].mempages.indices where s.cells[c].mempages[p].sizeKB == smallest {
                s.cells[c].mempages[p].free = nil
            }
        }
        return s
    }

    /// Captures this machine, then the captured root's snapshot is the live
    /// one: same hostname, cells, CPUs, pages, devices, warnings. The tree
    /// holds no environment or command line, and under proc/PID only the
    /// files restrack reads.
    @Test func liveCaptureReplaysAsTheLiveSnapshot() throws {
        let dir = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let summary = try HostCapture(destination: dir).run()
        #expect(summary.files > 10)
        let live = try HostProbe.snapshot(ProbeOptions())
        let captured = try HostProbe.snapshot(ProbeOptions(root: dir))
        #expect(Self.comparable(captured, root: dir) == Self.comparable(live, root: ""))
        #expect(captured.hostname == live.hostname)
        #expect(!captured.cells.isEmpty && captured.pciDevices.count == live.pciDevices.count)

        let allowed: Set<String> = ["stat", "status", "comm", "cgroup", "task", "fd"]
        let walker = try #require(FileManager.default.enumerator(atPath: dir))
        var procFiles = 0
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            #expect(name != "environ" && name != "cmdline", "\(relative) was captured")
            let parts = relative.split(separator: "/")
            if parts.count >= 3, parts[0] == "proc", HostCapture.isNumber(String(parts[1])) {
                procFiles += 1
                #expect(allowed.contains(String(parts[2])), "\(relative) is not a file restrack reads")
                // Threads: only the status the task scanner reads.
                if parts[2] == "task", parts.count == 5 {
                    #expect(parts[4] == "status", "\(relative) is not a file restrack reads")
                }
                if parts[2] == "fd", parts.count == 4 {
                    let target = try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + relative)
                    #expect(target.hasPrefix("/dev/vfio/"), "\(relative) → \(target) is not a VFIO group")
                }
            }
        }
        #expect(procFiles > 0, "no process was captured")
        // proc/self is a real directory holding the mount table only.
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir + "/proc/self", isDirectory: &isDir) && isDir.boolValue)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/proc/self")) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/proc/self") == ["mountinfo"])
        // This test's own process is there, with its comm.
        let comm = try String(contentsOfFile: "\(dir)/proc/\(getpid())/comm", encoding: .utf8)
        #expect(!comm.isEmpty)
    }

    /// An existing non-empty directory is refused and left as it was; an
    /// existing empty one is used.
    @Test func refusesANonEmptyDirectory() throws {
        let dir = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: dir + "/note"))
        #expect(throws: HostCapture.Failure.notEmpty(dir)) { try HostCapture(destination: dir).run() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["note"])

        let empty = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(try HostCapture(destination: empty).run().files > 0)
    }

    /// A capture of a captured SR-IOV tree replays as that tree: the PF/VF
    /// links, drivers, IOMMU groups and interfaces all survive the copy.
    @Test func captureOfSRIOVTreeReplays() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let dir = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try HostCapture(source: tree.root, destination: dir).run()
        let original = try tree.snapshot()
        let copy = try HostProbe.snapshot(ProbeOptions(root: dir, pciIDsPath: FixtureTree.pciIDs))
        #expect(copy.pciDevices.filter { $0.devType == .vf }.count == 6)
        var a = Self.comparable(original, root: tree.root)
        var b = Self.comparable(copy, root: dir)
        // The fixture's hostname file is missing in both; the assumed name
        // is the root directory's.
        a.hostname = ""
        b.hostname = ""
        #expect(a.cells == b.cells)
        #expect(a.warnings == b.warnings)
        #expect(a.pciDevices.map(\.address) == b.pciDevices.map(\.address))
        for (x, y) in zip(a.pciDevices, b.pciDevices) where x != y {
            Issue.record("\(x.address) differs: fixture \(x), capture \(y)")
        }
    }

    /// A capture records each PCI driver's directory as the PCI probe reads
    /// it (`PCIBoundDrivers`): `bind`, and a link per bound device that
    /// resolves to the device's captured directory; so the captured root's
    /// drivers come from the listings, as the live host's do.
    @Test func liveCaptureRecordsTheDriverListings() throws {
        let dir = Self.tempPath()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try HostCapture(destination: dir).run()
        let live = try HostProbe.snapshot(ProbeOptions())
        let bound = live.pciDevices.filter { $0.driver != nil }
        #expect(!bound.isEmpty, "this machine has no PCI device bound to a driver")
        let fm = FileManager.default
        for device in bound {
            let driverDir = dir + "/" + PCIBoundDrivers.driversDir + "/" + (device.driver ?? "")
            #expect(fm.fileExists(atPath: driverDir + "/bind"), "\(driverDir)/bind")
            let entry = driverDir + "/" + device.address
            #expect((try? fm.destinationOfSymbolicLink(atPath: entry)) != nil, "\(entry) is not a link")
            #expect(fm.fileExists(atPath: entry + "/vendor"), "\(entry) does not resolve to the device")
        }
        #expect(PCIBoundDrivers.listings(SysfsReader(root: dir)) != nil)
        let captured = try HostProbe.snapshot(ProbeOptions(root: dir))
        #expect(captured.pciDevices.map(\.driver) == live.pciDevices.map(\.driver))
    }

    /// `..` that climbs out of the root is not followed.
    @Test func linkResolution() {
        #expect(HostCapture.Writer.resolve("../../devices/pci0000:00/0000:00:03.0/virtio0/net/eth0",
                                           from: "sys/class/net/eth0")
                == "sys/devices/pci0000:00/0000:00:03.0/virtio0/net/eth0")
        #expect(HostCapture.Writer.resolve("../../../../../etc", from: "sys/class/net/eth0") == nil)
    }
}
