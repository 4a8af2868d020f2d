/// How the ledger waits and opens.
public struct LedgerOptions: Sendable, Hashable {
    /// How long a claim waits for another process's transaction before it
    /// gives up with "ledger busy". Claims take milliseconds, so seconds of
    /// waiting means something is wrong (a stopped process holding the lock).
    public var busyTimeoutSeconds: Double

    public init(busyTimeoutSeconds: Double = 5) {
        self.busyTimeoutSeconds = busyTimeoutSeconds
    }
}
