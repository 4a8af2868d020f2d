/// The `/` prompt on the status line; filters claims and PCI rows as typed.
/// Keys come from the `.filter` records of `KeyBinding.table`.
public struct FilterPrompt: Hashable, Sendable {
    public var text: String
    public init(text: String) { self.text = text }

    public enum Outcome: Hashable, Sendable { case editing, applied, cleared }

    public mutating func handle(_ key: Key) -> Outcome {
        switch KeyBinding.command(for: key, in: .filter) {
        case .accept?: return .applied
        case .cancel?:
            text = ""
            return .cleared
        case .erase?:
            if !text.isEmpty { text.removeLast() }
        default:
            if case .char(let c) = key, text.count < 60 { text.append(c) }
        }
        return .editing
    }
}
