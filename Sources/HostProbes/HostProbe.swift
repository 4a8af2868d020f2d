import TrackerCore

/// Where a snapshot comes from and how to read the operator's config.
public struct ProbeOptions: Sendable, Hashable {
    /// A captured tree to read instead of the live host (`--sysfs-root`);
    /// nil reads `/` (and libnuma for NUMA cells).
    public var sysfsRoot: String?
    /// The restrack/Nova-style config file (`--config`); nil uses defaults.
    public var configPath: String?

    public init(sysfsRoot: String? = nil, configPath: String? = nil) {
        self.sysfsRoot = sysfsRoot
        self.configPath = configPath
    }
}

/// A probe that could not produce a snapshot at all (per-field problems are
/// warnings in the snapshot instead). `description` names the file and what
/// to do.
public struct ProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The live host (or a captured tree) → `HostSnapshot`.
public enum HostProbe {
    public static func snapshot(_ options: ProbeOptions) throws(ProbeError) -> HostSnapshot {
        throw ProbeError("host probing is not implemented yet")
    }
}
