/// A message on the status line (k9s' flash): results and errors, shown
/// for a few seconds, never drawn over the panes.
public struct Flash: Hashable, Sendable {
    public enum Kind: Hashable, Sendable { case info, ok, error }
    public var text: String
    public var kind: Kind
    public var expires: Double

    public init(_ text: String, kind: Kind, expires: Double) {
        self.text = text
        self.kind = kind
        self.expires = expires
    }
}
