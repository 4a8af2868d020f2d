/// Why a conversation with Placement failed, as one operator-facing line.
/// No case carries the token: requests are described by method and path,
/// and Placement's own error text is kept to its `detail`.
public enum PlacementError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Nothing answered at the URL (connection refused, no route, DNS).
    case unreachable(url: String, detail: String)
    /// Placement did not answer within the timeout.
    case timeout(url: String, seconds: Double)
    /// 401/403: the token was refused.
    case unauthorized(url: String, status: Int)
    /// Any other non-2xx answer; `code` is Placement's error code
    /// (`placement.concurrent_update`, `placement.inventory.inuse`, …).
    case http(method: String, path: String, status: Int, code: String?, detail: String)
    /// A 2xx answer whose body is not what the API documents.
    case badResponse(method: String, path: String, detail: String)
    /// restrack will not go on: a provider that is not restrack's, a
    /// renamed provider, a root that Nova owns.
    case refused(String)
    /// Generation conflicts did not stop within the bounded retries.
    case conflictsExhausted(attempts: Int)

    /// 409 `placement.concurrent_update`: someone else wrote in between; re-read and retry.
    public var isConcurrentUpdate: Bool {
        if case .http(_, _, 409, let code, _) = self { return code == "placement.concurrent_update" }
        return false
    }

    /// 409 `placement.inventory.inuse`: a resource class allocations hold cannot be removed.
    public var isInventoryInUse: Bool {
        if case .http(_, _, 409, let code, _) = self { return code == "placement.inventory.inuse" }
        return false
    }

    public var description: String {
        switch self {
        case .unreachable(let url, let detail):
            return "Placement at \(url) is unreachable (\(detail)); check --url and that the service runs"
        case .timeout(let url, let seconds):
            return "Placement at \(url) did not answer within \(Self.seconds(seconds)); check the service or raise --timeout"
        case .unauthorized(let url, let status):
            return "Placement at \(url) refused the token (HTTP \(status)); check --token or --token-file"
        case .http(let method, let path, let status, let code, let detail):
            let what = code.map { " \($0)" } ?? ""
            return "Placement answered \(method) \(path) with HTTP \(status)\(what): \(detail)"
        case .badResponse(let method, let path, let detail):
            return "Placement's answer to \(method) \(path) is not what the API documents: \(detail)"
        case .refused(let why):
            return why
        case .conflictsExhausted(let attempts):
            return "Placement kept reporting concurrent updates (\(attempts) attempts); another writer is busy on this host's providers, run the sync again"
        }
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}
