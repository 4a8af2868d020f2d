import BoundedFile
import Foundation
import TrackerCore

/// Reads libvirt's QEMU domains under the host root, read-only: running
/// ones from `run/libvirt/qemu/*.xml` (domstatus), defined ones from
/// `etc/libvirt/qemu/*.xml`. A uuid in both is one running domain.
///
/// A class so one probe, polled every second, keeps each file's parse
/// while the file's stamp stays (`LibvirtCacheEntry`); the lock makes it
/// safe to share. `/proc` (liveness, vCPU affinities) is read every poll.
public final class LibvirtProbe: @unchecked Sendable {
    public let root: String?
    /// Directories under the root, definitions first.
    static let directories = ["etc/libvirt/qemu", "run/libvirt/qemu"]
    /// Domain files read per poll; a host runs hundreds of guests at most.
    static let defaultMaxFiles = 4096
    /// Largest domain file read; a real one is a few KiB.
    static let defaultMaxFileBytes = 4 << 20

    let base: String
    let maxFiles: Int
    let maxFileBytes: Int
    /// Fails chosen root-relative paths with an errno: root reads a 0600
    /// file whatever its mode, so tests make "not readable as this user"
    /// this way (as `TaskFiles` does for /proc).
    let fault: (@Sendable (String) -> Int32?)?

    /// Seconds between two reads of one QEMU's `numa_maps`: reading it
    /// makes the kernel walk the guest's page tables, too much for every
    /// poll of every hugepage guest, and pages seldom move.
    let numaMapsInterval: Double

    private let lock = NSLock()
    private var cache: [String: LibvirtCacheEntry] = [:]
    private var numaMapsCache: [Int32: (readAt: UInt64, pages: [Int: [Int: Int]]?)] = [:]
    private var parses = 0

    public convenience init(root: String?) {
        self.init(root: root, fault: nil)
    }

    init(root: String?, fault: (@Sendable (String) -> Int32?)?, maxFiles: Int = LibvirtProbe.defaultMaxFiles,
         maxFileBytes: Int = LibvirtProbe.defaultMaxFileBytes, numaMapsInterval: Double = 30) {
        self.numaMapsInterval = numaMapsInterval
        self.root = root
        self.base = SysfsReader(root: root).root
        self.fault = fault
        self.maxFiles = maxFiles
        self.maxFileBytes = maxFileBytes
    }

    /// How many files were parsed since the probe was made (cache misses).
    var parseCount: Int { lock.withLock { parses } }

    /// One holder per domain with its pins, memory, pages and devices per
    /// host node. `snapshot` is the host the holders are read against.
    public func read(snapshot: HostSnapshot) -> ForeignReading {
        lock.withLock { readLocked() }
    }

    private struct Found {
        var definition: (file: String, parsed: LibvirtStateFile)?
        var live: (file: String, parsed: LibvirtStateFile)?
    }

    private func readLocked() -> ForeignReading {
        var reading = ForeignReading()
        var denied: [String] = [], seen = Set<String>(), total = 0, taken = 0
        var byUUID: [String: Found] = [:]
        for dir in Self.directories {
            let names: [String]
            if let e = fault?(dir) {
                if e == EACCES || e == EPERM { denied.append(dir) } else if e != ENOENT {
                    reading.notVisible.append("libvirt: \(dir) cannot be listed (\(BoundedFileReader.errorText(e)))")
                }
                continue
            }
            switch LibvirtStateDirectory.list(base + "/" + dir, limit: max(0, maxFiles - taken)) {
            case .absent: continue
            case .failed(let e):
                if e == EACCES || e == EPERM { denied.append(dir) } else {
                    reading.notVisible.append("libvirt: \(dir) cannot be listed (\(BoundedFileReader.errorText(e)))")
                }
                continue
            case .names(let list, let count):
                names = list
                total += count
            }
            for name in names {
                taken += 1
                let file = dir + "/" + name
                seen.insert(file)
                switch load(file) {
                case .denied: denied.append(file)
                case .refused(let problem):
                    reading.findings.append(Self.invalid(file, problem))
                case .parsed(let parsed):
                    let isRun = dir.hasPrefix("run/")
                    var found = byUUID[parsed.domain.uuid] ?? Found()
                    let already = isRun ? found.live?.file : found.definition?.file
                    if let already {
                        reading.findings.append(Self.invalid(file, LibvirtFileProblem(
                            "has uuid \(parsed.domain.uuid), as \(SafeText.strip(already)) does; only the first was read")))
                        continue
                    }
                    if isRun {
                        if parsed.domstatus == nil {
                            reading.findings.append(Self.invalid(file, LibvirtFileProblem(
                                "holds a <domain> where libvirt keeps a <domstatus> (pid, vCPU threads) for a running guest")))
                            continue
                        }
                        found.live = (file, parsed)
                    } else {
                        found.definition = (file, parsed)
                    }
                    byUUID[parsed.domain.uuid] = found
                }
            }
        }
        cache = cache.filter { seen.contains($0.key) }
        if total > maxFiles {
            reading.notVisible.append(
                "libvirt: \(total) domain files under \(Self.directories.joined(separator: " and ")), more than the \(maxFiles) restrack reads; the rest were not read")
        }
        if !denied.isEmpty {
            let first = SafeText.strip(denied[0])
            let more = denied.count > 1 ? " and \(denied.count - 1) more" : ""
            reading.notVisible.append(
                "libvirt state not readable as this user (\(first)\(more): permission denied); run restrack as root to see libvirt's domains")
        }

        let procFiles = TaskFiles(root: root, fault: fault)
        let numaMaps = TaskFiles(root: root, fault: fault, maxBytes: maxFileBytes)
        var pids = Set<Int32>()
        let now = DispatchTime.now().uptimeNanoseconds
        let hugePages = { (pid: Int32) -> [Int: [Int: Int]]? in
            pids.insert(pid)
            if let kept = self.numaMapsCache[pid], Double(now &- kept.readAt) < self.numaMapsInterval * 1e9 { return kept.pages }
            var pages: [Int: [Int: Int]]?
            if case .success(let bytes) = numaMaps.contents("proc/\(pid)/numa_maps") { pages = LibvirtNumaMaps.hugePages(bytes) }
            self.numaMapsCache[pid] = (now, pages)
            return pages
        }
        for (_, found) in byUUID.sorted(by: { $0.key < $1.key }) {
            guard let chosen = found.live ?? found.definition else { continue }
            let sources = [found.definition?.file, found.live?.file].compactMap { $0 }.map { SafeText.strip($0) }
            let one = LibvirtDomainReading(
                chosen: chosen.parsed, domstatus: found.live?.parsed.domstatus,
                runFile: found.live.map { SafeText.strip($0.file) }, sources: sources, files: procFiles,
                hugePages: hugePages, scopeExists: { [base] in Self.exists(base + "/" + $0) })
            reading.holders.append(one.holder)
            if let (pid, byThread) = one.threadAffinities, !byThread.isEmpty {
                reading.threadAffinities[pid, default: [:]].merge(byThread) { first, _ in first }
            }
            reading.findings += one.findings
            reading.notVisible += one.notVisible
        }
        numaMapsCache = numaMapsCache.filter { pids.contains($0.key) }
        return reading
    }

    private enum Load {
        case parsed(LibvirtStateFile)
        case refused(LibvirtFileProblem)
        case denied
    }

    /// The parse of one file: from the cache while its stamp is unchanged.
    private func load(_ file: String) -> Load {
        if let e = fault?(file) {
            if e == EACCES || e == EPERM { return .denied }
            return .refused(LibvirtFileProblem("cannot be read (\(BoundedFileReader.errorText(e)))"))
        }
        let path = base + "/" + file
        let stamp = FileStamp(path: path)
        if let stamp, let entry = cache[file], entry.stamp == stamp { return Self.load(entry.parsed) }
        let reader = BoundedFileReader(limit: maxFileBytes, followsLinks: false)
        var bytes: [UInt8] = []
        switch reader.readCounted(path, into: &bytes) {
        case .failure(let refusal):
            if let e = refusal.errno, e == EACCES || e == EPERM { return .denied }
            cache[file] = nil
            return .refused(LibvirtFileProblem(refusal.failure.words))
        case .success:
            parses += 1
            let parsed = LibvirtDomainParser.parse(bytes)
            if let stamp { cache[file] = LibvirtCacheEntry(stamp: stamp, parsed: parsed) }
            return Self.load(parsed)
        }
    }

    private static func load(_ parsed: Result<LibvirtStateFile, LibvirtFileProblem>) -> Load {
        switch parsed {
        case .success(let file): return .parsed(file)
        case .failure(let problem): return .refused(problem)
        }
    }

    static func invalid(_ file: String, _ problem: LibvirtFileProblem) -> Finding {
        let name = SafeText.strip(file)
        return Finding(
            kind: .invalidFile, resource: name, holders: [],
            message: "\(name) \(problem.words); restrack skipped this libvirt domain file. "
                + "Compare it with `virsh dumpxml` of the domain (restrack never edits libvirt state).")
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }
}
