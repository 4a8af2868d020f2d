import Foundation
import TestSupport
import Testing
@testable import HostProbes
import TrackerCore

/// `DeviceUseProbe` on this machine: the controller of the disk `/` is
/// mounted from is the host's, with the mount named. The test finds that
/// controller itself, from `/proc/self/mountinfo` and `/sys/dev/block`,
/// rather than trusting a hardcoded address.
@Suite struct LiveDeviceUseTests {
    /// The root filesystem's block device as the kernel resolves it: the
    /// controller's address (last PCI address on the sysfs path), the disk
    /// and, when `/` is on a partition, the partition.
    struct RootDisk {
        var controller: String
        var disk: String
        var partition: String?
    }

    static func rootDisk() -> RootDisk? {
        guard let info = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) else { return nil }
        for line in info.split(separator: "\n") {
            let f = line.split(separator: " ")
            guard f.count > 4, f[4] == "/" else { continue }
            let device = String(f[2])
            guard let real = try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/dev/block/\(device)") else {
                continue
            }
            // ../../devices/pci0000:00/0000:00:02.0/virtio1/block/vda[/vda1]
            let parts = real.split(separator: "/").map(String.init)
            guard let blockAt = parts.lastIndex(of: "block"), blockAt + 1 < parts.count,
                  let controller = parts[..<blockAt].last(where: { PCIAddress.parse($0) != nil }) else { continue }
            let disk = parts[blockAt + 1]
            let partition = blockAt + 2 < parts.count ? parts[blockAt + 2] : nil
            return RootDisk(controller: controller, disk: disk, partition: partition)
        }
        return nil
    }

    @Test func theRootDisksControllerIsTheHostsWithItsMountNamed() throws {
        let found = Self.rootDisk()
        guard TestEnvironment.require(found != nil, "/ mounted from a block device on a PCI controller"),
              let root = found else { return }
        let snapshot = try HostProbe.snapshot(ProbeOptions())
        #expect(snapshot.pciDevices.contains { $0.address == root.controller })

        let r = DeviceUseProbe(root: nil).observe(snapshot: snapshot)
        let use = try #require(r.devices[root.controller])
        let reason = try #require(use.hostReason)
        // "disk controller of vda, mounted at /" or "…, vda1 mounted at /",
        // possibly "… and 2 more places" (bind mounts of the same device).
        let phrase = "\(root.disk), " + (root.partition.map { "\($0) " } ?? "") + "mounted at /"
        let range = try #require(reason.range(of: phrase), "\(reason) does not name \(phrase)")
        let next = reason[range.upperBound...].first
        #expect(next == nil || next == " " || next == ";" || next == ",", "\(reason): / is followed by a path")
        #expect(reason.hasPrefix("disk controller of "))
        #expect(r.holders.contains { $0.kind == .host && $0.id == "host:\(root.controller)" && $0.pciDevices == [root.controller] })

        // The same through the observer every command uses.
        let seen = HostObserver(root: nil).observe(snapshot: snapshot, claims: [], now: Date().timeIntervalSince1970,
                                                   deviceSpecConfigured: false)
        #expect(seen.devices[root.controller]?.hostReason == reason)
        #expect(seen.holders.contains { $0.id == "host:\(root.controller)" })
    }
}
