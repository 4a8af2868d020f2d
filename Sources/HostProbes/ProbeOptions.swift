/// Where a snapshot comes from and how to read the operator's config.
public struct ProbeOptions: Sendable, Hashable {
    /// A captured tree to read instead of the live host (`--sysfs-root`);
    /// nil reads `/` (and libnuma for NUMA cells).
    public var sysfsRoot: String?
    /// The restrack/Nova-style config file (`--config`); nil uses defaults.
    public var configPath: String?
    /// The pci.ids file for device names; nil uses libpci's default (the
    /// system's pci.ids). Tests pass a small fixture so names are stable.
    public var pciIDsPath: String?

    public init(sysfsRoot: String? = nil, configPath: String? = nil, pciIDsPath: String? = nil) {
        self.sysfsRoot = sysfsRoot
        self.configPath = configPath
        self.pciIDsPath = pciIDsPath
    }
}
