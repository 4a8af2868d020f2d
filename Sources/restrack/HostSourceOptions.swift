import ArgumentParser
import Foundation
import HostProbes
import TrackerCore

/// `--host FILE` (a simulated host, fit-contract JSON) or the live host /
/// a captured tree (`--sysfs-root DIR`), with `--config FILE`. Shared by
/// every command that needs to know what the host has.
struct HostSourceOptions: ParsableArguments {
    @Option(name: .customLong("host"), help: "Use this host snapshot JSON instead of probing the host.")
    var hostFile: String?

    @Option(name: .customLong("sysfs-root"), help: "Probe a captured sysfs tree under DIR instead of the live host.")
    var sysfsRoot: String?

    @Option(name: .customLong("config"), help: "restrack/Nova-style config file (cpu_dedicated_set, reserved pages, PCI aliases).")
    var configPath: String?

    func validate() throws {
        if hostFile != nil && sysfsRoot != nil {
            throw ValidationError("--host and --sysfs-root both name a host; give one")
        }
    }

    /// The loader for the host these options name (the dashboard keeps
    /// one and polls it).
    func loader() -> SnapshotLoader {
        SnapshotLoader(hostFile: hostFile, probe: ProbeOptions(sysfsRoot: sysfsRoot, configPath: configPath))
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
