/// One parsed libvirt state file: a `<domain>` (a definition under
/// `etc/libvirt/qemu/`) or a `<domstatus>` wrapping the live one.
struct LibvirtStateFile: Hashable, Sendable {
    var domain: LibvirtDomain
    var domstatus: LibvirtDomstatus?
}
