/// Everything a kubelet reading is made from, so an unchanged node reuses
/// the last one: which parse of the files (a generation bumped whenever a
/// checkpoint is read again or disappears), the host limits, the pod
/// cgroups present and the host's VFs (named in stale-device findings).
struct KubeletReadingKey: Equatable {
    var generation: Int
    var limits: KubeletHostLimits
    var cgroups: [String: String]?
    var vfs: Set<String>
}
