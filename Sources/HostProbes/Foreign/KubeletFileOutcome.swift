/// What reading one kubelet checkpoint gave, kept between polls while the
/// file's stamp stays the same.
enum KubeletFileOutcome: Hashable, Sendable {
    /// No such file: that manager keeps no state here (policy `none`, or
    /// no kubelet on this host).
    case missing
    /// Not readable as this user (the kubelet's files are 0600 root).
    case denied
    /// Refused before parsing (a FIFO, too large, an I/O error): the
    /// reader's words, completing "FILE …".
    case refused(String)
    case invalid(KubeletFileError)
    case cpu(KubeletCPUManagerState)
    case memory(KubeletMemoryManagerState)
    case devices(KubeletDeviceCheckpoint)
}
