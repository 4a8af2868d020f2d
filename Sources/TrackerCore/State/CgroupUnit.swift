/// The systemd scope a cgroup v2 path lies in: one VM (libvirt's
/// `machine-qemu…scope`) or one container (`…scope` under `kubepods`), whose
/// sub-cgroups (`libvirt/vcpu0`, `libvirt/emulator`) all belong to the same
/// owner. A claim owner's process in a scope explains the narrowed cpusets
/// of the other cgroups in that scope.
enum CgroupUnit {
    /// The path up to its deepest `.scope` component; nil when there is none
    /// (a slice or a service is shared by unrelated processes, so it
    /// explains nothing).
    static func scope(of path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let last = parts.lastIndex(where: { $0.hasSuffix(".scope") }) else { return nil }
        return "/" + parts[...last].joined(separator: "/")
    }
}
