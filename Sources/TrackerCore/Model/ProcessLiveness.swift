/// What the ledger can learn about a claim owner's pid. Three answers, not
/// two: a non-root reader on a host with `/proc` mounted `hidepid=1/2` (or in
/// another pid or mount namespace) cannot read other users' processes, and
/// taking "cannot see it" for "it exited" would flag healthy claims stuck and
/// let `release --stuck` free CPUs a running guest is pinned to.
public enum ProcessLiveness: Hashable, Sendable {
    /// The process runs; `startTime` is field 22 of `/proc/PID/stat`.
    case alive(startTime: UInt64)
    /// No such process (or a zombie, which holds nothing any more).
    case gone
    /// Neither could be established; `why` is the operator-facing sentence.
    case unknown(why: String)

    public var startTime: UInt64? {
        if case .alive(let t) = self { return t }
        return nil
    }
}
