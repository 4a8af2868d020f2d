/// A claim transition that the claim's state does not allow (confirming a
/// released claim, releasing one twice, aborting a confirmed one).
/// `description` is the operator-facing sentence.
public struct ClaimTransitionError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Action: String, Sendable, Hashable {
        case claim, confirm, release, abort
    }

    public var claimID: String
    public var action: Action
    /// The claim's state when the transition was tried; nil for a new claim.
    public var from: ClaimState?
    public var problem: String?

    public init(claimID: String, action: Action, from: ClaimState?, problem: String? = nil) {
        self.claimID = claimID
        self.action = action
        self.from = from
        self.problem = problem
    }

    public var description: String {
        if let problem { return "cannot \(action.rawValue) claim \(claimID): \(problem)" }
        switch (action, from) {
        case (.confirm, .confirmed?): return "claim \(claimID) is already confirmed"
        case (.release, .released?): return "claim \(claimID) is already released"
        case (.abort, .aborted?): return "claim \(claimID) is already aborted"
        case (.abort, .confirmed?): return "claim \(claimID) is confirmed; release it instead of aborting"
        case (_, let state?): return "cannot \(action.rawValue) claim \(claimID): it is \(state.rawValue)"
        case (_, nil): return "cannot \(action.rawValue) claim \(claimID)"
        }
    }
}
