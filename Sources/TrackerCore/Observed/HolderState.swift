/// Whether a foreign owner is really there: a `running` domain (its QEMU
/// process alive) or pod (its cgroup present), a `defined` domain that is
/// shut off (Nova still holds its pins; counted only with
/// `--count-defined`), or a `stale` owner whose state file names a process
/// or pod that is gone: its resources are still promised by that owner's
/// state, and a finding says how to clean it up.
public enum HolderState: String, Codable, Hashable, Sendable, CaseIterable {
    case running
    case defined
    case stale
}
