/// What `<domstatus>` (libvirt's record of a running domain under
/// `run/libvirt/qemu/`) says beyond the live `<domain>`: the QEMU pid and
/// the thread id of each vCPU.
struct LibvirtDomstatus: Hashable, Sendable {
    var pid: Int32
    /// `state` attribute (`running`, `paused`), as written.
    var state: String?
    /// vCPU id → thread id, from `<vcpus><vcpu id pid>`.
    var vcpuThreads: [Int: Int32]
}
