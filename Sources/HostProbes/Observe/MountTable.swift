import TrackerCore
/// What the host has mounted and swaps on, by block device: read from
/// `proc/self/mountinfo` (device numbers, so a filesystem mounted from
/// `/dev/mapper/x` or by UUID is still matched), else `proc/mounts` (source
/// names only), and `proc/swaps`.
struct MountTable: Sendable {
    /// `major:minor` → mount points.
    var byDevice: [String: [String]] = [:]
    /// Source as written (`/dev/vda1`) → mount points. btrfs and others
    /// show an anonymous device number, so sources are matched too.
    var bySource: [String: [String]] = [:]
    /// Swap areas on block devices (`/dev/vda2`, `/dev/dm-1`).
    var swaps: Set<String> = []
    /// False when neither mount table could be read: then no disk may be
    /// taken as unmounted.
    var readable = false
    /// Why, when not readable; said only when some disk needed it (a
    /// captured root without `proc/` has no disks to judge either).
    var problem: String?
    /// Read from `proc/self/mountinfo` (not the `proc/mounts` fallback):
    /// only such a table is kept between polls, as only its file is watched.
    var fromMountinfo = false

    static let mountinfo = "proc/self/mountinfo"
    static let mounts = "proc/mounts"
    static let swapsFile = "proc/swaps"

    /// Reads the tables; problems are appended to `notes` as sentences.
    static func read(_ files: DeviceUseFiles, notes: inout [String]) -> MountTable {
        var table = readMounts(files)
        table.readSwaps(files, notes: &notes)
        return table
    }

    /// The mount part alone (`proc/self/mountinfo`, else `proc/mounts`),
    /// without swaps; a problem is kept in `problem`, not said.
    static func readMounts(_ files: DeviceUseFiles) -> MountTable {
        var table = MountTable()
        switch files.bytes(mountinfo, limit: 16 << 20) {
        case .success(let bytes):
            table.readable = true
            table.fromMountinfo = true
            for line in bytes.split(separator: UInt8(ascii: "\n")) { table.addMountinfo(Array(line)) }
        case .failure(let why):
            switch files.bytes(mounts, limit: 16 << 20) {
            case .success(let bytes):
                table.readable = true
                for line in bytes.split(separator: UInt8(ascii: "\n")) { table.addMounts(Array(line)) }
            case .failure(let why2):
                table.problem = "\(files.display(Array(mountinfo.utf8))) \(why.words) and "
                    + "\(files.display(Array(mounts.utf8))) \(why2.words): which disks are mounted is not "
                    + "known, so every disk controller with disks is taken as used by the host"
            }
        }
        return table
    }

    /// Replaces `swaps` with `proc/swaps` as it is now (`swapon` moves no
    /// mount, so it is read on every poll); problems go to `notes`.
    mutating func readSwaps(_ files: DeviceUseFiles, notes: inout [String]) {
        swaps = []
        switch files.bytes(Self.swapsFile, limit: 4 << 20) {
        case .success(let bytes):
            // The first line is the header; the first field is the path,
            // escaped like a mount point.
            for line in bytes.split(separator: UInt8(ascii: "\n")).dropFirst() {
                guard let first = Self.fields(Array(line)).first, first.starts(with: Array("/dev/".utf8)) else { continue }
                swaps.insert(SafeText.decode(Self.unescape(first)))
            }
        case .failure(.missing):
            break
        case .failure(let why):
            notes.append("\(files.display(Array(Self.swapsFile.utf8))) \(why.words): swap on disks is not seen")
        }
    }

    /// `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - FSTYPE SOURCE SUPEROPTIONS`;
    /// a line that does not fit is skipped (it names no disk we could use).
    private mutating func addMountinfo(_ line: [UInt8]) {
        let f = Self.fields(line)
        guard f.count >= 7, let dash = f.firstIndex(of: [UInt8(ascii: "-")]), dash >= 6 else { return }
        let device = String(decoding: f[2], as: UTF8.self)
        let point = SafeText.decode(Self.unescape(f[4]))
        guard device.contains(":") else { return }
        byDevice[device, default: []].append(point)
        if f.count > dash + 2 {
            bySource[SafeText.decode(Self.unescape(f[dash + 2])), default: []].append(point)
        }
    }

    /// `SOURCE MOUNTPOINT FSTYPE OPTIONS 0 0`.
    private mutating func addMounts(_ line: [UInt8]) {
        let f = Self.fields(line)
        guard f.count >= 2 else { return }
        bySource[SafeText.decode(Self.unescape(f[0])), default: []].append(SafeText.decode(Self.unescape(f[1])))
    }

    /// Mount points of a block device known by its `major:minor` and its
    /// `/dev` names, shortest first (`/` before a bind mount of a file on it).
    func mountPoints(device: String?, sources: [String]) -> [String] {
        var points: Set<String> = []
        if let device { points.formUnion(byDevice[device] ?? []) }
        for s in sources { points.formUnion(bySource[s] ?? []) }
        return points.sorted { ($0.count, $0) < ($1.count, $1) }
    }

    func isSwap(sources: [String]) -> Bool {
        sources.contains { swaps.contains($0) }
    }

    private static func fields(_ line: [UInt8]) -> [[UInt8]] {
        line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map(Array.init)
    }

    /// The kernel writes space, tab, newline and backslash in paths as
    /// three octal digits after a backslash (`\040`).
    static func unescape(_ field: [UInt8]) -> [UInt8] {
        guard field.contains(UInt8(ascii: "\\")) else { return field }
        var out: [UInt8] = []
        var i = 0
        while i < field.count {
            if field[i] == UInt8(ascii: "\\"), i + 3 < field.count, let v = octal(field[(i + 1)..<(i + 4)]) {
                out.append(v)
                i += 4
            } else {
                out.append(field[i])
                i += 1
            }
        }
        return out
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        var v = 0
        for d in digits {
            guard d >= UInt8(ascii: "0"), d <= UInt8(ascii: "7") else { return nil }
            v = v * 8 + Int(d - UInt8(ascii: "0"))
        }
        return v <= 255 ? UInt8(v) : nil
    }
}
