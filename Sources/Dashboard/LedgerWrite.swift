import TrackerCore

/// A ledger change asked for from the keyboard. The controller only
/// describes it; `perform` runs it on the worker thread that owns the
/// claim service, because a write can wait seconds for the ledger's lock.
public enum LedgerWrite: Hashable, Sendable {
    /// `form` comes back on the screen if the claim is refused.
    case claim(Request, consumer: Consumer, ttl: Int, form: ClaimForm)
    case confirm(id: String, consumer: String)
    case release(id: String, reason: String)
    case releaseStuck(ids: [String])

    /// What the status line calls it while it waits ("claim for vm-7").
    public var summary: String {
        switch self {
        case .claim(_, let consumer, _, _): return "claim for \(consumer.name)"
        case .confirm(let id, _): return "confirm \(id)"
        case .release(let id, _): return "release \(id)"
        case .releaseStuck(let ids): return "release of \(ids.count) stuck claim\(ids.count == 1 ? "" : "s")"
        }
    }

    /// Runs the change; blocks as long as the service does.
    public func perform(on service: any ClaimService) -> WriteOutcome {
        do {
            switch self {
            case .claim(let request, let consumer, let ttl, _):
                return .claimed(try service.claim(request, consumer: consumer, ttl: ttl))
            case .confirm(let id, _):
                try service.confirm(id)
                return .done
            case .release(let id, let reason):
                try service.release(id, reason: reason)
                return .done
            case .releaseStuck(let ids):
                return .releasedStuck(try service.releaseStuck(ids))
            }
        } catch {
            return .failed("\(error)")
        }
    }
}
