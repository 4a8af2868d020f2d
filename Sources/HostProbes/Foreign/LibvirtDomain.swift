import TrackerCore

/// What one libvirt `<domain>` promises, as written (guest side). Host text
/// (name, Nova metadata) is already stripped of control characters.
struct LibvirtDomain: Hashable, Sendable {
    /// Lowercase canonical form.
    var uuid: String
    var name: String
    /// `<domain id=…>` of a live definition (the QEMU domain id).
    var domainID: Int?
    var memoryKiB: Int
    var vcpuCount: Int
    /// `<vcpu cpuset=…>`: where vCPUs without their own pin may run.
    var vcpuCPUSet: CPUSet?
    /// `<vcpupin vcpu cpuset>`.
    var vcpuPins: [Int: CPUSet]
    var emulatorPin: CPUSet?
    /// `<iothreadpin iothread cpuset>`.
    var iothreadPins: [Int: CPUSet]
    /// `<numatune><memory nodeset>`.
    var memoryNodes: CPUSet?
    /// Guest cell → host nodes, `<numatune><memnode cellid nodeset>`.
    var memnodes: [Int: CPUSet]
    /// Guest cell → memory in KiB, `<cpu><numa><cell id memory unit>`.
    var guestCells: [Int: Int]
    /// `<memoryBacking><hugepages><page>`: size in KiB and the guest cells
    /// it backs (nil: every cell).
    var pages: [Page]
    /// Host PCI addresses (`0000:60:02.1`) with the element they came from.
    var pci: [PCI]
    var nova: Nova?

    struct Page: Hashable, Sendable {
        var sizeKiB: Int
        var guestCells: CPUSet?
    }

    struct PCI: Hashable, Sendable {
        var address: String
        /// `<hostdev type='pci'>` or `<interface type='hostdev'>`.
        var asInterface: Bool
    }

    /// `<metadata><nova:instance>`.
    struct Nova: Hashable, Sendable {
        var instanceName: String?
        var flavor: String?
        var project: String?
        var extraSpecs: [String: String]
    }
}
