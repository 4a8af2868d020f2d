import TrackerCore

/// The host's PCI devices grouped as Nova's PCI-in-Placement translator
/// groups them: one provider per PF or plain device, named
/// `<host>_<ADDRESS>`, of the class the device spec's `resource_class`
/// names, else `CUSTOM_PCI_<VENDOR>_<PRODUCT>`; a PF whose VFs are on the host counts its VFs (of the
/// VFs' class) instead of itself, as Nova does when only the VFs are
/// handed out. Unlike Nova, devices with a physical_network are included:
/// restrack hands them out through aliases, and the fleet should see them.
struct PCIProviders {
    struct Group {
        var name: String
        var address: String
        var resourceClass: String
        var cell: Int?
        var devices: [PCIDevice]
    }

    var groups: [Group] = []
    var notes: [String] = []
    private var providerOf: [String: (String, String)] = [:]

    /// `configured`: device address → resource class its device spec names.
    init(host: String, snapshot: HostSnapshot, configured: [String: String] = [:]) {
        func rc(_ d: PCIDevice) -> String {
            configured[d.address] ?? PlacementNames.pciClass(vendor: d.vendorID, product: d.productID)
        }
        var byAddress: [String: PCIDevice] = [:]
        for d in snapshot.pciDevices { byAddress[d.address] = d }
        var vfsOf: [String: [PCIDevice]] = [:]
        for d in snapshot.pciDevices where d.devType == .vf {
            if let parent = d.parentAddr { vfsOf[parent, default: []].append(d) }
        }
        for d in snapshot.pciDevices.sorted(by: { $0.address < $1.address }) where d.devType != .vf {
            let name = PlacementNames.pci(host, address: d.address)
            if let vfs = vfsOf[d.address], !vfs.isEmpty {
                let classes = Set(vfs.map(rc))
                let chosen = classes.sorted()[0]
                if classes.count > 1 {
                    notes.append("PF \(d.address) has VFs of \(classes.count) kinds; only \(chosen) is published")
                }
                let mine = vfs.filter { rc($0) == chosen }
                groups.append(Group(name: name, address: d.address, resourceClass: chosen, cell: d.numaNode, devices: mine))
                for vf in mine { providerOf[vf.address] = (name, chosen) }
            } else {
                let own = rc(d)
                groups.append(Group(name: name, address: d.address, resourceClass: own, cell: d.numaNode, devices: [d]))
                providerOf[d.address] = (name, own)
            }
        }
        for (parent, vfs) in vfsOf where byAddress[parent] == nil {
            notes.append("\(vfs.count) VFs name PF \(parent), which is not on the host; they are not published")
        }
    }

    /// The provider and resource class a claimed device counts on.
    func provider(of address: String) -> (String, String)? { providerOf[address] }
}
