import ArgumentParser
import TrackerCore

/// `list --state`: one claim state, `live` (claimed and confirmed, the
/// default) or `all`. An enum rather than free text so the parser names the
/// accepted words when another is given, and the shell completions and the
/// man page list them.
enum ClaimStateFilter: String, CaseIterable, ExpressibleByArgument {
    case claimed, confirmed, released, aborted, live, all

    var states: [ClaimState] {
        switch self {
        case .claimed: [.claimed]
        case .confirmed: [.confirmed]
        case .released: [.released]
        case .aborted: [.aborted]
        case .live: [.claimed, .confirmed]
        case .all: ClaimState.allCases
        }
    }
}
