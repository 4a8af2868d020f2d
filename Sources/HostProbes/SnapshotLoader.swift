import BoundedFile
import Foundation
import TrackerCore

/// The one way restrack gets a host snapshot, for the CLI and the dashboard
/// alike: a `--host FILE` (fit-contract JSON, "-" for stdin), or a probe of
/// the live host or a captured tree (`--root`, with `--config`).
///
/// A host file is decoded again only when its stamp (mtime, size, inode)
/// changes, so a dashboard polling a 2,048-VF host every second pays a
/// `stat`, not a JSON decode. The live host is probed on every call, but
/// PCI facts that cannot change while a device exists are kept between
/// calls (`PCIFactCache`) and only the changing ones re-read, and the CPU
/// topology is read again only when the CPU lists change (`CPUTopologyCache`).
public final class SnapshotLoader: @unchecked Sendable {
    public let hostFile: String?
    public let probe: ProbeOptions
    /// Guards the cache (the dashboard may poll off its input thread).
    private let lock = NSLock()
    private var cached: (stamp: FileStamp?, snapshot: HostSnapshot)?
    private let pciFacts = PCIFactCache()
    private let topology = CPUTopologyCache()
    /// The PCI devices of the last probe, for the device-use probe of the
    /// same poll (`HostObserver(root:pciRecord:)`); empty for a host file.
    public let pciRecord = PCIPollRecord()

    public init(hostFile: String?, probe: ProbeOptions) {
        self.hostFile = hostFile
        self.probe = probe
    }

    /// The snapshot now. A host file that cannot be read or decoded, or a
    /// probe that cannot run at all, is an error whose text names the file
    /// and the problem.
    public func load() throws(ProbeError) -> HostSnapshot {
        guard let hostFile else {
            let snapshot = try HostProbe.snapshot(probe, pciFacts: pciFacts, topology: topology)
            pciRecord.record(snapshot.pciDevices, flags: pciFacts.takePolledFlags())
            return snapshot
        }
        lock.lock()
        defer { lock.unlock() }
        let stamp = hostFile == "-" ? nil : FileStamp(path: hostFile)
        if let cached, hostFile == "-" || (stamp != nil && cached.stamp == stamp) { return cached.snapshot }
        let bytes: [UInt8]
        switch Self.readFile(hostFile) {
        case .success(let b): bytes = b
        case .failure(let failure): throw ProbeError("host file \(hostFile) \(failure.words)")
        }
        let snapshot: HostSnapshot
        do {
            snapshot = try ContractJSON.decode(HostSnapshot.self, bytes: bytes, document: "host file \(hostFile)")
        } catch {
            throw ProbeError(error.description)
        }
        cached = (stamp, snapshot)
        return snapshot
    }

    /// The file's bytes ("-" is stdin) through the one bounded reader: a
    /// FIFO or device is refused, never opened blocking, and a document
    /// over the size limit is refused before it is decoded.
    static func readFile(_ path: String) -> Result<[UInt8], BoundedFileReader.Failure> {
        let reader = BoundedFileReader()
        return path == "-" ? reader.readStream(FileHandle.standardInput.fileDescriptor) : reader.read(path)
    }
}
