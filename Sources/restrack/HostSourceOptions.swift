import ArgumentParser
import BoundedFile
import Foundation
import HostProbes
import TrackerCore

/// `--host FILE` (a simulated host, fit-contract JSON) or the live host /
/// a captured host (`--root DIR`, as `restrack capture` writes it; the older
/// `--sysfs-root` is the same option), with `--config FILE`. Shared by every
/// command that needs to know what the host has.
struct HostSourceOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: "Use this host snapshot JSON instead of probing the host.")
    var hostFile: String?

    @Option(name: [.customLong("root"), .customLong("sysfs-root")],
            help: ArgumentHelp("Read a captured host under DIR (its sys/, proc/, dev/, sys/fs/cgroup) instead of the live host.",
                               discussion: "`restrack capture DIR` writes such a tree. --sysfs-root is the older name of this option."),
            completion: .directory)
    var root: String?

    /// The older name of `root`.
    var sysfsRoot: String? { root }

    /// What the probes read, for the snapshot and for `HostObserver(root:)`.
    var probeOptions: ProbeOptions { ProbeOptions(root: root, configPath: configPath) }

    /// The observer of the host these options name, nil for a `--host`
    /// file (a JSON snapshot has no processes or devices to look at).
    func observer() -> HostObserver? {
        hostFile == nil ? HostObserver(root: root) : nil
    }

    @Flag(name: .customLong("count-defined"),
          help: ArgumentHelp("Count shut-off libvirt domains as holding their pins, pages and devices, as Nova does.",
                             discussion: "Without it they are listed as defined, not running, and hold nothing."))
    var countDefined = false

    @Option(name: .customLong("config"), help: "restrack/Nova-style config file (cpu_dedicated_set, reserved pages, PCI aliases).")
    var configPath: String?

    func validate() throws {
        if hostFile != nil && root != nil {
            throw ValidationError("--host and --root both name a host; give one")
        }
    }

    /// The loader for the host these options name (the dashboard keeps
    /// one and polls it).
    func loader() -> SnapshotLoader {
        SnapshotLoader(hostFile: hostFile, probe: probeOptions)
    }

    /// The host snapshot these options name.
    func loadSnapshot() throws(CLIFailure) -> HostSnapshot {
        do {
            return try loader().load()
        } catch {
            throw CLIFailure.badInput(error.description)
        }
    }
}

/// Reads and decodes a contract document from a file ("-" is stdin); any
/// problem is bad input (exit 2) naming the file and the JSON path. The
/// bytes come through `BoundedFileReader`: a FIFO or device is refused at
/// once and a document over `BoundedFileReader.maxDocumentBytes` before it
/// is decoded.
func loadJSON<T: Decodable>(_ type: T.Type, path: String, document: String) throws(CLIFailure) -> T {
    let reader = BoundedFileReader()
    let read = path == "-" ? reader.readStream(FileHandle.standardInput.fileDescriptor) : reader.read(path)
    let bytes: [UInt8]
    switch read {
    case .success(let b): bytes = b
    case .failure(let failure):
        throw CLIFailure.badInput("\(document) file \(path) \(failure.words)")
    }
    do {
        return try ContractJSON.decode(T.self, bytes: bytes, document: "\(document) file \(path)")
    } catch {
        throw CLIFailure.badInput(error.description)
    }
}
