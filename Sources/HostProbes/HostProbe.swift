#if canImport(Glibc)
import Glibc
#endif
import TrackerCore

/// The live host (or a captured tree) → `HostSnapshot`.
public enum HostProbe {
    /// `pciFacts`, `topology`: PCI facts and the CPU topology kept between
    /// polls by a long-lived caller (see `PCIFactCache`, `CPUTopologyCache`);
    /// nil reads every device and CPU in full. `configs`: the parsed config
    /// kept likewise (`ComputeConfigCache`); nil reads and parses it.
    public static func snapshot(_ options: ProbeOptions, pciFacts: PCIFactCache? = nil,
                                topology: CPUTopologyCache? = nil,
                                configs: ComputeConfigCache? = nil) throws(ProbeError) -> HostSnapshot {
        try probed(options, pciFacts: pciFacts, topology: topology, configs: configs).snapshot
    }

    /// `snapshot`, with the fingerprint of the values it was built from.
    static func probed(_ options: ProbeOptions, pciFacts: PCIFactCache?, topology: CPUTopologyCache?,
                       configs: ComputeConfigCache?) throws(ProbeError)
        -> (snapshot: HostSnapshot, fingerprint: SnapshotFingerprint) {
        let reader = SysfsReader(root: options.root)
        if let root = options.root { try checkRoot(root, reader) }
        let config = try options.configPath.map { path throws(ProbeError) in
            if let configs { return try configs.load(path: path) }
            return try ComputeConfig.load(path: path)
        }
        return assemble(reader: reader, config: config, pciIDsPath: options.pciIDsPath, pciFacts: pciFacts,
                        topologyCache: topology)
    }

    /// An unusable `--root` is an error, not a snapshot full of warnings.
    private static func checkRoot(_ root: String, _ reader: SysfsReader) throws(ProbeError) {
        guard let dir = opendir(root) else {
            throw ProbeError("--root \(root): cannot be read as a directory (\(SysfsReader.errorText(errno)))")
        }
        closedir(dir)
        guard reader.isListable(CPUTopologyProbe.cpuDir) || reader.isListable(NUMAProbe.nodeDir) else {
            throw ProbeError("--root \(root): has no sys/devices/system/cpu or sys/devices/system/node; "
                             + "give the directory that holds a captured sys/ (as `restrack capture` writes)")
        }
    }

    /// Builds the snapshot from the probes and the config, and the
    /// fingerprint of the online CPUs, memory totals and hugepage totals as
    /// this probe read them (before any reservation). Never fails: every
    /// problem is a warning and a neutral value.
    private static func assemble(reader: SysfsReader, config: ComputeConfig?, pciIDsPath: String?,
                                  pciFacts: PCIFactCache?, topologyCache: CPUTopologyCache?)
        -> (snapshot: HostSnapshot, fingerprint: SnapshotFingerprint) {
        var warnings = ProbeWarnings()
        let settings = config ?? ComputeConfig()
        let topology = CPUTopologyProbe.probe(reader, warnings: &warnings, cache: topologyCache)
        let nodes = numaNodes(reader: reader, topology: topology, warnings: &warnings)
        var cells = CellBuilder(topology: topology, config: config, smallPageKB: smallPageKB(reader))
            .cells(nodes: nodes, reader: reader, warnings: &warnings)
        for entry in settings.reservedHugePages where !cells.contains(where: { $0.id == entry.node }) {
            warnings.add("config [DEFAULT] reserved_huge_pages reserves \(entry.count) pages of \(entry.sizeKB) KiB "
                         + "on node \(entry.node), which this host does not have; assumed nothing is reserved for it.")
        }
        let fingerprint = SnapshotFingerprint(probed: cells, online: topology.online)
        MemoryReservation.apply(settings.reservedHostMemoryMB, to: &cells, warnings: &warnings)
        CPUReservation.apply(settings.reservedHostCPUs, ratio: settings.cpuAllocationRatio, to: &cells, warnings: &warnings)

        var devices = PCIProbe.probe(reader, idsPath: pciIDsPath, warnings: &warnings, cache: pciFacts)
        devices = DeviceSpecFilter.apply(settings.deviceSpecs, to: devices)
        // A physfn link to itself or to a non-PF (a damaged capture) would
        // make a snapshot that `fit --host` refuses, and a fit that breaks
        // the PF⇄VF rule here; such a VF is left out. Bounded: one device
        // goes per round.
        while let (i, problem) = HostSnapshot.vfParentProblem(devices) {
            warnings.add("\(problem); assumed the VF is not usable, left out.")
            devices.remove(at: i)
        }

        let snapshot = HostSnapshot(
            hostname: hostname(reader, warnings: &warnings),
            cpuAllocationRatio: settings.cpuAllocationRatio, ramAllocationRatio: settings.ramAllocationRatio,
            cells: cells, pciDevices: devices, pciAliases: settings.aliases, warnings: warnings.sentences)
        return (snapshot, fingerprint)
    }

    /// libnuma on the live host; sysfs under a root (or when libnuma says
    /// NUMA is unavailable); one synthetic node when the kernel has no NUMA
    /// directory at all.
    private static func numaNodes(reader: SysfsReader, topology: CPUTopology,
                                  warnings: inout ProbeWarnings) -> [NUMANodeInfo] {
        if reader.isLive, let nodes = NUMAProbe.libnuma(), !nodes.isEmpty { return nodes }
        if let nodes = NUMAProbe.sysfs(reader, warnings: &warnings), !nodes.isEmpty { return nodes }
        let memKB = procMemTotalKB(reader, warnings: &warnings)
        warnings.add(file: reader.path(NUMAProbe.nodeDir), problem: "has no nodeN directories",
                     assumed: "one NUMA cell 0 with every CPU and \(memKB / 1024) MiB from /proc/meminfo")
        return [NUMANodeInfo(id: 0, cpus: topology.present.union(topology.online), memTotalKB: memKB)]
    }

    private static func procMemTotalKB(_ reader: SysfsReader, warnings: inout ProbeWarnings) -> Int {
        let file = "proc/meminfo"
        let text: String
        switch reader.text(file) {
        case .success(let t): text = t
        case .failure(let f):
            warnings.add(file: reader.path(file), problem: f.words, assumed: "0 MiB of memory")
            return 0
        }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kb = Int(fields[1]) { return kb }
        }
        return 0
    }

    /// The base page size: the running kernel's on the live host; 4 KiB for
    /// a captured tree, which does not record it (POWER captures really use
    /// 64 KiB, which only changes the small-page count).
    private static func smallPageKB(_ reader: SysfsReader) -> Int {
        guard reader.isLive else { return 4 }
        let size = sysconf(Int32(_SC_PAGESIZE))
        return size >= 1024 ? size / 1024 : 4
    }

    private static func hostname(_ reader: SysfsReader, warnings: inout ProbeWarnings) -> String {
        if reader.isLive {
            var buf = [CChar](repeating: 0, count: 256)
            if gethostname(&buf, buf.count - 1) == 0 {
                let name = SafeText.decode(buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) })
                if !name.isEmpty { return name }
            }
            return "unknown"
        }
        let file = "proc/sys/kernel/hostname"
        switch reader.bytes(file, limit: 256) {
        case .success(let bytes):
            // The kernel ends the file with a newline: trim it before
            // decoding, which would escape it as text.
            let name = SafeText.decode(Array(bytes.reversed().drop { $0 == 0x0A || $0 == 0x20 || $0 == 0 }.reversed()))
                .trimmedSysfs
            if !name.isEmpty { return name }
            warnings.add(file: reader.path(file), problem: "is empty", assumed: "the root directory's name")
        case .failure(let failure):
            warnings.add(file: reader.path(file), problem: failure.words, assumed: "the root directory's name")
        }
        return reader.root.split(separator: "/").last.map { SafeText.escape(String($0)) } ?? "unknown"
    }
}
