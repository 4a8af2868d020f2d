/// What the app loop must do after a key, beyond redrawing.
public enum Effect: Hashable, Sendable {
    case none, quit, nextTheme, repoll
    /// A ledger change for the app's worker thread; its outcome comes back
    /// through `Controller.finish`.
    case write(LedgerWrite)
}
