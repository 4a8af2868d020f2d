/// Release of every stuck claim: the operator types how many there are,
/// so the action names its blast radius before it happens.
public struct TypeCountDialog: Hashable, Sendable {
    public var ids: [String]
    public var typed = ""

    public init(ids: [String]) { self.ids = ids }

    public enum Outcome: Hashable, Sendable { case pending, accepted, mismatch, cancelled }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape: return .cancelled
        case .enter: return typed == String(ids.count) ? .accepted : .mismatch
        case .backspace:
            if !typed.isEmpty { typed.removeLast() }
        case .char(let c) where c.isASCII && c.isNumber && typed.count < 6:
            typed.append(c)
        default: break
        }
        return .pending
    }
}
