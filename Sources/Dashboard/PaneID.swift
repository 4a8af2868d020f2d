/// The focusable panes, in Tab order.
public enum PaneID: Int, CaseIterable, Hashable, Sendable {
    case cells, cpus, pci, claims

    public var title: String {
        switch self {
        case .cells: return "NUMA cells"
        case .cpus: return "CPU map"
        case .pci: return "PCI / SR-IOV"
        case .claims: return "Claims"
        }
    }
}
