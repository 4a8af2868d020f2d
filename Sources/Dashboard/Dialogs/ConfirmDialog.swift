/// A yes/no question about a destructive action. Cancel has the focus when
/// it opens, so a stray Enter changes nothing (k9s' dialog/confirm.go).
public struct ConfirmDialog: Hashable, Sendable {
    public var title: String
    public var lines: [String]
    public var actionLabel: String
    public var claimID: String
    public var actionFocused = false

    public init(title: String, lines: [String], actionLabel: String, claimID: String) {
        self.title = title
        self.lines = lines
        self.actionLabel = actionLabel
        self.claimID = claimID
    }

    public enum Outcome: Hashable, Sendable { case pending, accepted, cancelled }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .left, .right, .tab, .backTab, .char("h"), .char("l"):
            actionFocused.toggle()
            return .pending
        case .enter: return actionFocused ? .accepted : .cancelled
        case .escape, .char("q"), .char("n"): return .cancelled
        default: return .pending
        }
    }
}
