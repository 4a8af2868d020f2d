extension HolderKind {
    /// The order owner kinds are listed in (`observe`, the Holders view):
    /// restrack's own claims, the foreign owners, then what the kernel and
    /// the host show.
    public static let displayOrder: [HolderKind] = [.restrack, .libvirt, .kubelet, .kernel, .host]
}
