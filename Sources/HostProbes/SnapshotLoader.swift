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
/// calls (`PCIFactCache`) and only the changing ones re-read, the CPU
/// topology is read again only when the CPU lists change (`CPUTopologyCache`),
/// and the config parsed again only when its file changes (`ComputeConfigCache`).
public final class SnapshotLoader: @unchecked Sendable {
    public let hostFile: String?
    public let probe: ProbeOptions
    /// Guards the cache (the dashboard may poll off its input thread).
    private let lock = NSLock()
    private var cached: (stamp: FileStamp?, snapshot: HostSnapshot)?
    private let pciFacts = PCIFactCache()
    private let topology = CPUTopologyCache()
    private let configs = ComputeConfigCache()
    /// The PCI devices of the last probe, for the device-use probe of the
    /// same poll (`HostObserver(root:pciRecord:)`); empty for a host file.
    public let pciRecord = PCIPollRecord()
    /// The display polls' snapshot, the fingerprint of the values its probe
    /// read, and when it was probed (monotonic seconds).
    private var shown: (snapshot: HostSnapshot, print: SnapshotFingerprint, at: Double)?
    private var probeCount = 0
    /// How many times this loader has probed the host (tests).
    public var probes: Int { lock.withLock { probeCount } }

    public init(hostFile: String?, probe: ProbeOptions) {
        self.hostFile = hostFile
        self.probe = probe
    }

    /// The snapshot now. A host file that cannot be read or decoded, or a
    /// probe that cannot run at all, is an error whose text names the file
    /// and the problem.
    public func load() throws(ProbeError) -> HostSnapshot {
        guard let hostFile else { return try probeAndKeep() }
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

    /// The snapshot for a poll that only shows it (the dashboard's periodic
    /// poll): the last one this call returned while the online CPUs, each
    /// cell's `MemTotal` and each pool's `nr_hugepages` read the same (with
    /// the pools' free and surplus counts as read now) and it is younger than
    /// `rescanAfter` seconds; otherwise a probe, as `load`. What moves none
    /// of those values (a driver bound, a VF added, the config edited) shows
    /// within `rescanAfter`. Nothing may be decided on it: previews, claims
    /// and the CLI call `load`.
    public func loadForDisplay(rescanAfter: Double) throws(ProbeError) -> HostSnapshot {
        guard hostFile == nil else { return try load() }
        let reader = SysfsReader(root: probe.root)
        let now = PCIPollRecord.monotonic()
        let kept = lock.withLock { shown }
        if let kept, now >= kept.at, now - kept.at < rescanAfter,
           let print = SnapshotFingerprint.read(for: kept.snapshot, reader: reader), print == kept.print {
            let snapshot = print.refreshing(kept.snapshot)
            lock.withLock { shown = (snapshot, kept.print, kept.at) }
            return snapshot
        }
        return try probeAndKeep()
    }

    /// A probe, kept for the display polls: a full poll's snapshot is also
    /// the newest the display may show, so a change a full poll saw is not
    /// taken back by the next display poll.
    private func probeAndKeep() throws(ProbeError) -> HostSnapshot {
        let now = PCIPollRecord.monotonic()
        // The fingerprint is the probe's own reads of the values it checks,
        // so a change after one of them differs from it at the next poll.
        let (snapshot, print) = try probeHost()
        lock.withLock { shown = (snapshot, print, now) }
        return snapshot
    }

    private func probeHost() throws(ProbeError) -> (HostSnapshot, SnapshotFingerprint) {
        lock.withLock { probeCount += 1 }
        let (snapshot, print) = try HostProbe.probed(probe, pciFacts: pciFacts, topology: topology, configs: configs)
        pciRecord.record(snapshot.pciDevices, flags: pciFacts.takePolledFlags())
        return (snapshot, print)
    }

    /// The file's bytes ("-" is stdin) through the one bounded reader: a
    /// FIFO or device is refused, never opened blocking, and a document
    /// over the size limit is refused before it is decoded.
    static func readFile(_ path: String) -> Result<[UInt8], BoundedFileReader.Failure> {
        let reader = BoundedFileReader()
        return path == "-" ? reader.readStream(FileHandle.standardInput.fileDescriptor) : reader.read(path)
    }
}
