import TrackerCore

/// A yes/no question about a destructive action, with an optional reason
/// the operator can type for the audit log. Cancel has the focus when it
/// opens, so a stray Enter changes nothing (k9s' dialog/confirm.go). Keys
/// come from the `.confirmRelease` records of `KeyBinding.table`; any other
/// printable character goes into the reason.
public struct ConfirmDialog: Hashable, Sendable {
    public static let maxReasonLength = 120
    /// What the audit log records when the operator typed no reason.
    public static let defaultReason = "released from the dashboard"

    public var title: String
    public var lines: [String]
    public var actionLabel: String
    public var claimID: String
    public var actionFocused = false
    /// Typed by the operator; empty means no reason was given.
    public var reason = ""

    public init(title: String, lines: [String], actionLabel: String, claimID: String) {
        self.title = title
        self.lines = lines
        self.actionLabel = actionLabel
        self.claimID = claimID
    }

    public enum Outcome: Hashable, Sendable { case pending, accepted, cancelled }

    public mutating func handle(_ key: Key) -> Outcome {
        switch KeyBinding.command(for: key, in: .confirmRelease) {
        case .switchButton?:
            actionFocused.toggle()
        case .accept?:
            return actionFocused ? .accepted : .cancelled
        case .cancel?:
            return .cancelled
        case .erase?:
            if !reason.isEmpty { reason.removeLast() }
        default:
            // The reason goes to the audit log as typed, so controls and
            // format characters (a paste can carry them) never enter it.
            if case .char(let ch) = key, !ch.isNewline, !ch.unicodeScalars.contains(where: SafeText.isUnsafe),
               reason.count < ConfirmDialog.maxReasonLength {
                reason.append(ch)
            }
        }
        return .pending
    }

    /// The reason as stored: what was typed, trimmed, or nil for none.
    public var typedReason: String? {
        let t = reason.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()
        return t.isEmpty ? nil : String(t)
    }
}
