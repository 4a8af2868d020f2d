/// The `/` prompt on the status line; filters claims and PCI rows as typed.
public struct FilterPrompt: Hashable, Sendable {
    public var text: String
    public init(text: String) { self.text = text }

    public enum Outcome: Hashable, Sendable { case editing, applied, cleared }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .applied
        case .escape:
            text = ""
            return .cleared
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .char(let c) where text.count < 60:
            text.append(c)
        default: break
        }
        return .editing
    }
}
