import BoundedFile
import Foundation
import TrackerCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads the kubelet's checkpoints under `var/lib/kubelet/` of the host
/// root, read-only: the CPU manager's exclusive CPUs, the memory manager's
/// memory and hugepages per node, the device manager's devices (SR-IOV
/// VFs by PCI address). Checksums are verified as the kubelet does; a pod
/// whose cgroup is gone is `stale`.
///
/// A class, so one probe kept across polls keeps each parsed checkpoint
/// until the file's stamp changes: a dashboard polls every second on nodes
/// with hundreds of pods, and an unchanged node costs three `stat`s and the
/// pod cgroup listings, no parse and no hash. The lock makes concurrent
/// reads safe.
public final class KubeletProbe: @unchecked Sendable {
    public let root: String?
    /// The largest checkpoint read. A node's files are tens of KiB (300
    /// pods' device entries with their allocate responses stay under 1 MiB);
    /// anything bigger is refused before it is read.
    public let maxFileBytes: Int
    public static let defaultMaxFileBytes = 4 << 20

    private let lock = NSLock()
    private var cache: [String: KubeletCachedFile] = [:]
    private var reads = 0
    /// Bumped whenever a file's outcome is not the cached one.
    private var generation = 0
    private var last: (key: KubeletReadingKey, reading: ForeignReading)?

    /// Files read and parsed since the probe was made (not served from the
    /// cache): what shows that an unchanged node costs no parse.
    var filesParsed: Int { lock.withLock { reads } }

    public init(root: String?, maxFileBytes: Int = KubeletProbe.defaultMaxFileBytes) {
        self.root = root
        self.maxFileBytes = maxFileBytes
    }

    /// One holder per pod with its exclusive CPUs per container, memory and
    /// hugepages per node and devices; findings for stale pods, checksum
    /// mismatches and files refused.
    public func read(snapshot: HostSnapshot) -> ForeignReading {
        let limits = KubeletHostLimits(snapshot: snapshot)
        let (outcomes, generation): ([(String, KubeletFileOutcome)], Int) = lock.withLock {
            ([
                (KubeletReadingBuilder.cpuFile, load(KubeletReadingBuilder.cpuFile, limits) { bytes throws(KubeletFileError) in
                    .cpu(try KubeletCPUManagerState.parse(bytes, hostMaxCPU: limits.maxCPU))
                }),
                (KubeletReadingBuilder.memoryFile, load(KubeletReadingBuilder.memoryFile, limits) { bytes throws(KubeletFileError) in
                    .memory(try KubeletMemoryManagerState.parse(bytes, limits: limits))
                }),
                (KubeletReadingBuilder.deviceFile, load(KubeletReadingBuilder.deviceFile, limits) { bytes throws(KubeletFileError) in
                    .devices(try KubeletDeviceCheckpoint.parse(bytes))
                }),
            ], self.generation)
        }
        if outcomes.allSatisfy({ $0.1 == .missing }) { return ForeignReading() }
        // The cgroups are listed every poll (pods come and go without the
        // checkpoints changing); holders and findings are rebuilt only when
        // something they are made from changed.
        let cgroups = KubeletPodCgroups(root: root)
        let key = KubeletReadingKey(generation: generation, limits: limits, cgroups: cgroups.pods,
                                    vfs: Set(snapshot.pciDevices.lazy.filter { $0.devType == .vf }.map(\.address)))
        if let hit = lock.withLock({ last }), hit.key == key { return hit.reading }
        var builder = KubeletReadingBuilder(snapshot: snapshot, cgroups: cgroups)
        for (file, outcome) in outcomes { builder.add(outcome, file: file) }
        let reading = builder.finish()
        lock.withLock { last = (key, reading) }
        return reading
    }

    /// The outcome for `file`, from the cache while its stamp holds. The
    /// stamp is taken before the read, so a file replaced during it is
    /// read again next time.
    private func load(_ file: String, _ limits: KubeletHostLimits,
                      _ parse: ([UInt8]) throws(KubeletFileError) -> KubeletFileOutcome) -> KubeletFileOutcome {
        let path = SysfsReader(root: root).root + "/" + file
        guard let stamp = FileStamp(path: path) else {
            let e = errno
            if cache.removeValue(forKey: file) != nil { generation += 1 }
            switch e {
            case ENOENT, ENOTDIR: return .missing
            case EACCES, EPERM: return .denied
            // A link loop or an I/O error is said, not taken for "no file".
            default: return .refused("cannot be read (\(BoundedFileReader.errorText(e)))")
            }
        }
        if let hit = cache[file], hit.stamp == stamp, hit.limits == limits { return hit.outcome }
        let outcome: KubeletFileOutcome
        reads += 1
        generation += 1
        var bytes: [UInt8] = []
        switch BoundedFileReader(limit: maxFileBytes).readCounted(path, into: &bytes) {
        case .success:
            do throws(KubeletFileError) {
                outcome = try parse(bytes)
            } catch {
                outcome = .invalid(error)
            }
        case .failure(let refusal):
            switch refusal.failure {
            case .missing: outcome = .missing
            case .unreadable where refusal.errno == EACCES || refusal.errno == EPERM: outcome = .denied
            default: outcome = .refused(refusal.failure.words)
            }
        }
        cache[file] = KubeletCachedFile(stamp: stamp, limits: limits, outcome: outcome)
        return outcome
    }
}
