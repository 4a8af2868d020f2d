/// Who holds a resource, as `observe --json` and the Holders view name it.
/// `restrack` is one of our own claims; `kernel` is what the kernel shows
/// held without an owner restrack knows (a process or cgroup with narrowed
/// CPU affinity, hugepages in use that no claim explains); `host` is the
/// host itself (a device backing a mounted disk, an interface that is up).
/// `libvirt` and `kubelet` are foreign owners read from their state files.
public enum HolderKind: String, Codable, Hashable, Sendable, CaseIterable {
    case restrack
    case kernel
    case host
    case libvirt
    case kubelet
}
