/// Release of every stuck claim: the operator types how many there are,
/// so the action names its blast radius before it happens. Keys come from
/// the `.releaseStuck` records of `KeyBinding.table`.
public struct TypeCountDialog: Hashable, Sendable {
    public var ids: [String]
    public var typed = ""

    public init(ids: [String]) { self.ids = ids }

    public enum Outcome: Hashable, Sendable { case pending, accepted, mismatch, cancelled }

    public mutating func handle(_ key: Key) -> Outcome {
        switch KeyBinding.command(for: key, in: .releaseStuck) {
        case .cancel?: return .cancelled
        case .accept?: return typed == String(ids.count) ? .accepted : .mismatch
        case .erase?:
            if !typed.isEmpty { typed.removeLast() }
        default:
            if case .char(let c) = key, c.isASCII, c.isNumber, typed.count < 6 { typed.append(c) }
        }
        return .pending
    }
}
