/// The names and traits restrack publishes with: provider names built as
/// Nova builds them (`<host>_NUMA<n>` for a cell, `<host>_<ADDRESS>` for a
/// PCI device, as nova/compute/pci_placement_translator.py does), and the
/// trait that marks a provider as restrack's.
public enum PlacementNames {
    /// On every provider restrack creates; restrack changes no provider without it.
    public static let ownerTrait = "CUSTOM_OWNER_RESTRACK"
    /// Nova's compute node provider carries it: restrack never publishes under it.
    public static let novaOwnerTrait = "OWNER_NOVA"
    public static let numaRootTrait = "HW_NUMA_ROOT"
    /// os-traits 3.9 (Placement 16) has no standard page-size traits, so
    /// the small/large split is a custom trait too.
    public static let smallPagesTrait = "CUSTOM_MEMORY_PAGE_SIZE_SMALL"
    public static let largePagesTrait = "CUSTOM_MEMORY_PAGE_SIZE_LARGE"
    /// Placement's consumer type for a restrack claim.
    public static let consumerType = "RESTRACK_CLAIM"
    /// project_id / user_id of restrack's consumers (Placement requires both).
    public static let project = "restrack"

    public static func cell(_ host: String, _ id: Int) -> String { "\(host)_NUMA\(id)" }

    public static func pages(_ host: String, cell: Int, sizeKB: Int) -> String {
        "\(host)_NUMA\(cell)_MEMORY_\(sizeKB)KB"
    }

    public static func pageSizeTrait(_ sizeKB: Int) -> String { "CUSTOM_MEMORY_PAGE_SIZE_\(sizeKB)" }

    /// Nova: `f"{hypervisor_hostname}_{addr.upper()}"`.
    public static func pci(_ host: String, address: String) -> String { "\(host)_\(address.uppercased())" }

    /// os-resource-classes 1.1's standard classes.
    static let standardClasses: Set<String> = [
        "VCPU", "MEMORY_MB", "DISK_GB", "PCI_DEVICE", "SRIOV_NET_VF", "NUMA_SOCKET", "NUMA_CORE", "NUMA_THREAD",
        "NUMA_MEMORY_MB", "IPV4_ADDRESS", "VGPU", "VGPU_DISPLAY_HEAD", "NET_BW_EGR_KILOBIT_PER_SEC",
        "NET_BW_IGR_KILOBIT_PER_SEC", "PCPU", "MEM_ENCRYPTION_CONTEXT", "FPGA", "PGPU",
        "NET_PACKET_RATE_KILOPACKET_PER_SEC", "NET_PACKET_RATE_EGR_KILOPACKET_PER_SEC",
        "NET_PACKET_RATE_IGR_KILOPACKET_PER_SEC",
    ]

    /// A device spec's `resource_class` as Nova takes it: upper-cased; kept
    /// when standard or already `CUSTOM_`, else every run of characters
    /// other than letters and digits becomes `_` behind `CUSTOM_`.
    public static func configuredClass(_ name: String) -> String {
        let upper = name.uppercased()
        if standardClasses.contains(upper) || upper.hasPrefix("CUSTOM_") { return upper }
        var out = ""
        var inRun = false
        for ch in upper.unicodeScalars {
            let ok = (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9")
            if ok {
                out.unicodeScalars.append(ch)
                inRun = false
            } else if !inRun {
                out += "_"
                inRun = true
            }
        }
        return "CUSTOM_" + out
    }

    /// Nova: `CUSTOM_PCI_{vendor_id}_{product_id}` upper-cased.
    public static func pciClass(vendor: String, product: String) -> String {
        "CUSTOM_PCI_\(vendor)_\(product)".uppercased()
    }
}
