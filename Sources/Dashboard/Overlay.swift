/// What sits on top of the panes and takes the keys first.
public enum Overlay: Hashable, Sendable {
    case help(scroll: Int)
    case claimForm(ClaimForm)
    case confirmRelease(ConfirmDialog)
    case releaseStuck(TypeCountDialog)
    case filter(FilterPrompt)
    case device(address: String, scroll: Int)
    case claimDetail(id: String, scroll: Int)
    case holderDetail(id: String, scroll: Int)
}
