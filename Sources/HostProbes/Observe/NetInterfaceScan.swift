import TrackerCore
/// A PCI device's network interfaces and whether each is administratively
/// up: `flags` & IFF_UP, or, when `flags` cannot be read, `operstate`.
struct NetInterfaceScan: Sendable {
    enum State: Sendable, Equatable {
        case up
        case down
        /// Neither file gave an answer: the note says which and why.
        case unknown(String)
    }

    struct Interface: Sendable, Equatable {
        /// The name as the kernel has it (bytes) and sanitised for text.
        var rawName: [UInt8]
        var name: String
        var state: State
        /// Files that should have said and did not (a FIFO, garbage), even
        /// when another one answered.
        var problems: [String]
    }

    static let iffUp = 0x1

    /// Interfaces under `net/`, and under a `virtioN/net/` child (a virtio
    /// NIC's interface hangs off the virtio device, not the PCI one).
    static func interfaces(deviceDir: [UInt8], listVirtioChildren: Bool, files: DeviceUseFiles) -> [Interface] {
        var dirs: [[UInt8]] = [deviceDir.slash("net")]
        if listVirtioChildren {
            for child in files.list(deviceDir, limit: 4096) ?? [] where isVirtioChild(child) {
                dirs.append(deviceDir.slash(child).slash("net"))
            }
        }
        var out: [Interface] = []
        for dir in dirs {
            for raw in files.list(dir, limit: 4096) ?? [] {
                let (state, problems) = state(dir.slash(raw), name: raw, files: files)
                out.append(Interface(rawName: raw, name: SafeText.decode(raw), state: state, problems: problems))
            }
        }
        return out
    }

    /// The interfaces named under the device's `net/`, as a listing of it
    /// made in the same poll gave them. `known`: flags read in that same
    /// pass from `net/NAME/flags`, the first file `state` reads, so an
    /// interface found there is up or down as `state` would say; the others
    /// are read here.
    static func interfaces(deviceDir: [UInt8], named names: [[UInt8]], known: [PCIPollRecord.Flag] = [],
                           files: DeviceUseFiles) -> [Interface] {
        let dir = deviceDir.slash("net")
        return names.sorted { $0.lexicographicallyPrecedes($1) }.map { raw in
            if let flag = known.first(where: { $0.name == raw }) {
                return Interface(rawName: raw, name: SafeText.decode(raw), state: flag.flags & iffUp != 0 ? .up : .down,
                                 problems: [])
            }
            let (state, problems) = state(dir.slash(raw), name: raw, files: files)
            return Interface(rawName: raw, name: SafeText.decode(raw), state: state, problems: problems)
        }
    }

    private static func isVirtioChild(_ name: [UInt8]) -> Bool {
        let prefix = Array("virtio".utf8)
        return name.count > prefix.count && name.starts(with: prefix)
            && name.dropFirst(prefix.count).allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Read under the device's own `net/IF` first (what a capture of the
    /// device tree keeps), then `sys/class/net/IF`.
    static func state(_ ifDir: [UInt8], name: [UInt8], files: DeviceUseFiles) -> (State, [String]) {
        let classDir = Array("sys/class/net".utf8).slash(name)
        var problems: [String] = []
        for dir in [ifDir, classDir] {
            switch files.text(dir.slash("flags")) {
            case .success(let text):
                if let flags = parseHex(text) { return (flags & iffUp != 0 ? .up : .down, problems) }
                problems.append("\(files.display(dir.slash("flags"))) is not a hex number")
            case .failure(.missing):
                continue
            case .failure(let why):
                problems.append("\(files.display(dir.slash("flags"))) \(why.words)")
            }
        }
        for dir in [ifDir, classDir] {
            switch files.text(dir.slash("operstate")) {
            case .success(let text):
                switch text {
                // Not carrier: an interface that is up without a link
                // reads "down" here, which is why flags come first.
                case "up", "unknown", "dormant", "testing": return (.up, problems)
                case "down", "lowerlayerdown", "notpresent": return (.down, problems)
                default: problems.append("\(files.display(dir.slash("operstate"))) is not an operstate word")
                }
            case .failure(.missing):
                continue
            case .failure(let why):
                problems.append("\(files.display(dir.slash("operstate"))) \(why.words)")
            }
        }
        if problems.isEmpty { problems.append("\(files.display(ifDir)) has no flags or operstate") }
        return (.unknown(problems.joined(separator: "; ")), [])
    }

    /// `0x1003` as sysfs writes it.
    static func parseHex(_ text: String) -> Int? {
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? text.dropFirst(2) : Substring(text)
        guard !digits.isEmpty, digits.count <= 16 else { return nil }
        return Int(digits, radix: 16)
    }
}
