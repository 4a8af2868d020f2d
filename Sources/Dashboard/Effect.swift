/// What the app loop must do after a key, beyond redrawing.
public enum Effect: Hashable, Sendable {
    case none, quit, nextTheme, repoll
}
