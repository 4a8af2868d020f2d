/// Where a key binding applies: the panes, or one kind of overlay. The
/// overlay on top decides the context, so the same key can scroll help and
/// move a selection in the panes.
public enum KeyContext: Int, CaseIterable, Hashable, Sendable {
    case panes, help, detail, claimForm, confirmRelease, releaseStuck, filter

    /// The heading the help overlay puts above this context's keys.
    public var title: String {
        switch self {
        case .panes: return "Panes"
        case .help: return "This help"
        case .detail: return "Device, claim and holder details"
        case .claimForm: return "Claim form"
        case .confirmRelease: return "Release dialog"
        case .releaseStuck: return "Release all stuck (R)"
        case .filter: return "Filter prompt (/)"
        }
    }

    public static func of(_ overlay: Overlay?) -> KeyContext {
        switch overlay {
        case nil: return .panes
        case .help?: return .help
        case .device?, .claimDetail?, .holderDetail?: return .detail
        case .claimForm?: return .claimForm
        case .confirmRelease?: return .confirmRelease
        case .releaseStuck?: return .releaseStuck
        case .filter?: return .filter
        }
    }
}
