/// One parsed libvirt state file: a `<domain>` (a definition under
/// `etc/libvirt/qemu/`) or a `<domstatus>` wrapping the live one.
///
/// What follows from the domain alone (its resources, its machine scope's
/// name) is worked out here, once per parse: the probe keeps the parse while
/// the file's stamp stays, so an unchanged domain is not recomputed on
/// every poll.
struct LibvirtStateFile: Hashable, Sendable {
    let domain: LibvirtDomain
    let domstatus: LibvirtDomstatus?
    let resources: LibvirtResources
    /// `machine.slice/machine-qemu\x2d<id>\x2d<name>.scope`, when the
    /// domain has an id (a running one).
    let machineScope: String?

    init(domain: LibvirtDomain, domstatus: LibvirtDomstatus?) {
        self.domain = domain
        self.domstatus = domstatus
        resources = LibvirtResources(domain)
        machineScope = domain.domainID.map {
            "machine.slice/" + LibvirtMachineScope.name(domainID: $0, domainName: domain.name)
        }
    }
}
