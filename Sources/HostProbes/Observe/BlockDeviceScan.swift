import TrackerCore
/// Which PCI controller each disk hangs off and what the host does with it:
/// mounted, swap, or under a device-mapper or md device (recursively) that
/// is. Found from `sys/block`, whose entries link into the device tree
/// (`../devices/pci0000:00/0000:00:02.0/virtio1/block/vda`): the last PCI
/// address on that path is the controller, whatever sits between (virtio,
/// SCSI host and target, NVMe controller, USB). A native-multipath NVMe
/// namespace links under a virtual subsystem instead; its `multipath/`
/// links name the controllers' paths.
///
/// A captured root must keep `sys/block` entries as links (as `cp -a` of
/// sysfs does); a disk whose entry is a plain directory names no controller
/// and is not judged.
struct BlockDeviceScan: Sendable {
    /// A disk behind a controller and what holds it ("mounted at /",
    /// "vda1 is swap", "vda2 via dm-0 (vg-root) mounted at /home").
    struct Disk: Sendable, Equatable {
        var name: String
        var uses: [String]
    }

    /// Controller address → its disks that are in use, by name.
    var disks: [String: [Disk]] = [:]
    /// `sys/block` could not be listed.
    var unreadable: String?
    /// A disk was found while the mount tables could not be read.
    var neededMounts = false

    static let blockDir = "sys/block"
    /// More disks than any host has; a bound on a garbled tree.
    static let maxDisks = 65_536
    /// dm on md on dm…: real stacks are two or three deep.
    static let maxDepth = 8

    /// The disks of the controllers in `wanted`.
    static func scan(_ files: DeviceUseFiles, mounts: MountTable, wanted: Set<String>) -> BlockDeviceScan {
        scan(files, names: list(files), mounts: mounts, wanted: wanted)
    }

    /// `sys/block`'s entries, or nil when it cannot be listed.
    static func list(_ files: DeviceUseFiles) -> [[UInt8]]? {
        files.list(blockDir, limit: maxDisks)
    }

    /// As `scan(_:mounts:wanted:)`, with `sys/block` already listed.
    static func scan(_ files: DeviceUseFiles, names: [[UInt8]]?, mounts: MountTable,
                     wanted: Set<String>) -> BlockDeviceScan {
        var result = BlockDeviceScan()
        guard let names else {
            if files.exists(blockDir) || files.isLive {
                result.unreadable = "\(files.display(Array(blockDir.utf8))) cannot be listed"
            }
            return result
        }
        for raw in names {
            let controllers = controllerAddresses(raw, files: files).filter { wanted.contains($0) }
            guard !controllers.isEmpty else { continue }
            let name = SafeText.decode(raw)
            var visited: Set<[UInt8]> = [raw]
            var uses = usesOf(raw, files: files, mounts: mounts, depth: 0, visited: &visited)
            if !mounts.readable {
                uses.append("mounts cannot be read")
                result.neededMounts = true
            }
            guard !uses.isEmpty else { continue }
            for c in controllers { result.disks[c, default: []].append(Disk(name: name, uses: uses)) }
        }
        return result
    }

    /// The PCI addresses a `sys/block` entry's link passes through, the
    /// nearest one to the disk (its controller) per path.
    static func controllerAddresses(_ name: [UInt8], files: DeviceUseFiles) -> [String] {
        let entry = Array(blockDir.utf8).slash(name)
        guard let target = files.linkTarget(entry) else { return [] }
        if let address = lastPCIAddress(target) { return [address] }
        // Native NVMe multipath: the namespace head is virtual; each path
        // (`nvme0c0n1`) links under its controller.
        var out: [String] = []
        for path in files.list(entry.slash("multipath"), limit: 64) ?? [] {
            if let t = files.linkTarget(entry.slash("multipath").slash(path)), let a = lastPCIAddress(t), !out.contains(a) {
                out.append(a)
            }
        }
        return out
    }

    static func lastPCIAddress(_ target: [UInt8]) -> String? {
        for part in target.split(separator: UInt8(ascii: "/")).reversed() {
            let s = String(decoding: part, as: UTF8.self)
            if PCIAddress.parse(s) != nil { return s }
        }
        return nil
    }

    /// What holds `disk` or its partitions, each use one phrase.
    private static func usesOf(_ disk: [UInt8], files: DeviceUseFiles, mounts: MountTable, depth: Int,
                               visited: inout Set<[UInt8]>) -> [String] {
        let dir = Array(blockDir.utf8).slash(disk)
        // Partitions are named after their disk (vda1, nvme0n1p2) and have
        // a `partition` file; the prefix spares an lstat per attribute.
        var nodes: [(name: [UInt8], dir: [UInt8], prefix: String)] = [(disk, dir, "")]
        for entry in files.list(dir, limit: 4096) ?? [] where entry.count > disk.count && entry.starts(with: disk) {
            if files.exists(dir.slash(entry).slash("partition")) {
                nodes.append((entry, dir.slash(entry), SafeText.decode(entry) + " "))
            }
        }
        var uses: [String] = []
        for node in nodes {
            let device: String? = if case .success(let d) = files.text(node.dir.slash("dev")) { d } else { nil }
            var sources = ["/dev/" + SafeText.decode(node.name)]
            if case .success(let dmName) = files.text(node.dir.slash("dm").slash("name")), !dmName.isEmpty {
                let safe = SafeText.decode(Array(dmName.utf8))
                sources.append("/dev/mapper/" + safe)
            }
            let points = mounts.mountPoints(device: device, sources: sources)
            if let first = points.first {
                let more = points.count > 1 ? " and \(points.count - 1) more place\(points.count > 2 ? "s" : "")" : ""
                uses.append("\(node.prefix)mounted at \(first)\(more)")
            }
            if mounts.isSwap(sources: sources) { uses.append("\(node.prefix)is swap") }
            guard depth < maxDepth else { continue }
            for holder in files.list(node.dir.slash("holders"), limit: 256) ?? [] where !visited.contains(holder) {
                visited.insert(holder)
                let inner = usesOf(holder, files: files, mounts: mounts, depth: depth + 1, visited: &visited)
                let name = holderLabel(holder, files: files)
                if inner.isEmpty {
                    uses.append("\(node.prefix)held by \(name)")
                } else {
                    uses += inner.map { "\(node.prefix)via \(name) \($0)" }
                }
            }
        }
        return uses
    }

    /// `dm-0 (vg-root)` for a device-mapper device, else its name.
    private static func holderLabel(_ name: [UInt8], files: DeviceUseFiles) -> String {
        let plain = SafeText.decode(name)
        let dmFile = Array(blockDir.utf8).slash(name).slash("dm").slash("name")
        if case .success(let dmName) = files.text(dmFile), !dmName.isEmpty {
            return "\(plain) (\(SafeText.decode(Array(dmName.utf8))))"
        }
        return plain
    }
}
