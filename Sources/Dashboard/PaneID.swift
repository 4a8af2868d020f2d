/// The focusable panes, in Tab order. `holders` is the second tab of the
/// claims pane: Tab from claims shows it, Tab from it goes on to cells.
public enum PaneID: Int, CaseIterable, Hashable, Sendable {
    case cells, cpus, pci, claims, holders

    public var title: String {
        switch self {
        case .cells: return "NUMA cells"
        case .cpus: return "CPU map"
        case .pci: return "PCI / SR-IOV"
        case .claims: return "Claims"
        case .holders: return "Holders"
        }
    }
}
