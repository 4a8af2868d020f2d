/// Where a snapshot comes from and how to read the operator's config.
public struct ProbeOptions: Sendable, Hashable {
    /// A captured host to read instead of the live one (`--root DIR`, alias
    /// `--sysfs-root`): `sys/`, `proc/`, `dev/` and `sys/fs/cgroup` under
    /// it, as `restrack capture` writes them. nil reads `/` (and libnuma for
    /// NUMA cells). The same root goes to `HostObserver(root:)`, so the
    /// snapshot and what the probes observe describe one host.
    public var root: String?
    /// The restrack/Nova-style config file (`--config`); nil uses defaults.
    public var configPath: String?
    /// The pci.ids file for device names; nil uses libpci's default (the
    /// system's pci.ids). Tests pass a small fixture so names are stable.
    public var pciIDsPath: String?

    /// The captured root's older name, from when it held only `sys/`.
    public var sysfsRoot: String? {
        get { root }
        set { root = newValue }
    }

    public init(root: String? = nil, configPath: String? = nil, pciIDsPath: String? = nil) {
        self.root = root
        self.configPath = configPath
        self.pciIDsPath = pciIDsPath
    }

    public init(sysfsRoot: String?, configPath: String? = nil, pciIDsPath: String? = nil) {
        self.init(root: sysfsRoot, configPath: configPath, pciIDsPath: pciIDsPath)
    }
}
