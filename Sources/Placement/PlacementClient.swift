import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TrackerCore

/// Talks JSON to one Placement over URLSession, one request at a time,
/// and counts what it sent. Every request carries the token and the
/// microversion; a non-2xx answer becomes a `PlacementError` that names the
/// method, path, status and Placement's error code, never the token.
public final class PlacementClient: @unchecked Sendable {
    public let endpoint: PlacementEndpoint
    private let session: URLSession
    private let lock = NSLock()
    private var sent = RequestCounts()

    public init(endpoint: PlacementEndpoint) {
        self.endpoint = endpoint
        if endpoint.insecure {
            // swift-corelibs-foundation's switch for not verifying the peer:
            // there is no per-session trust API on Linux.
            setenv("URLSessionCertificateAuthorityInfoFile", "INSECURE_SSL_NO_VERIFY", 1)
        }
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = endpoint.timeout
        config.timeoutIntervalForResource = endpoint.timeout
        config.httpMaximumConnectionsPerHost = 1
        config.urlCache = nil
        session = URLSession(configuration: config)
    }

    private static func session(limit: Double) -> URLSession {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = limit
        config.timeoutIntervalForResource = limit
        config.httpMaximumConnectionsPerHost = 1
        config.urlCache = nil
        return URLSession(configuration: config)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Requests sent so far.
    public var counts: RequestCounts {
        lock.lock()
        defer { lock.unlock() }
        return sent
    }

    /// Sends `method path` with `body` (JSON) and returns the 2xx answer.
    /// `timeout`: this request's limit when it is not the endpoint's (a
    /// write whose cost on Placement's side grows with its size).
    public func send(_ method: String, _ path: String, body: Data? = nil,
                     timeout: Double? = nil) throws(PlacementError) -> PlacementResponse {
        let limit = timeout ?? endpoint.timeout
        guard let url = URL(string: endpoint.url + path) else {
            throw PlacementError.refused("--url \(endpoint.url) with path \(path) is not a URL")
        }
        var request = URLRequest(url: url, timeoutInterval: limit)
        request.httpMethod = method
        request.setValue(endpoint.token, forHTTPHeaderField: "X-Auth-Token")
        request.setValue(PlacementEndpoint.microversion, forHTTPHeaderField: "OpenStack-API-Version")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        lock.lock()
        if method == "GET" { sent.reads += 1 } else { sent.writes += 1 }
        lock.unlock()
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        // swift-corelibs-foundation times a request by its session's
        // configuration, not the request's own interval: a request with a
        // longer limit gets a session of its own.
        let using = timeout == nil ? session : Self.session(limit: limit)
        defer { if timeout != nil { using.finishTasksAndInvalidate() } }
        let task = using.dataTask(with: request) { data, response, error in
            box.set(data: data, response: response as? HTTPURLResponse, error: error)
            done.signal()
        }
        task.resume()
        // URLSession enforces the timeout; the margin covers a session
        // that never calls back at all.
        if done.wait(timeout: .now() + limit + 5) == .timedOut {
            task.cancel()
            throw PlacementError.timeout(url: endpoint.url, seconds: limit)
        }
        let (data, response, error) = box.get()
        if let error {
            let ns = error as NSError
            if ns.domain == NSURLErrorDomain && ns.code == NSURLErrorTimedOut {
                throw PlacementError.timeout(url: endpoint.url, seconds: limit)
            }
            throw PlacementError.unreachable(url: endpoint.url, detail: Self.words(ns))
        }
        guard let response else {
            throw PlacementError.badResponse(method: method, path: path, detail: "no HTTP response")
        }
        let bytes = data ?? Data()
        if (200..<300).contains(response.statusCode) {
            return PlacementResponse(status: response.statusCode, body: bytes)
        }
        if response.statusCode == 401 || response.statusCode == 403 {
            throw PlacementError.unauthorized(url: endpoint.url, status: response.statusCode)
        }
        let parsed = try? JSONDecoder().decode(PlacementErrorBody.self, from: bytes)
        let first = parsed?.errors.first
        if response.statusCode == 409 && first?.code == "placement.concurrent_update" {
            lock.lock()
            sent.conflicts += 1
            lock.unlock()
        }
        let detail = first?.detail ?? first?.title ?? String(decoding: bytes.prefix(200), as: UTF8.self)
        throw PlacementError.http(method: method, path: path, status: response.statusCode, code: first?.code,
                                  detail: Self.oneLine(detail))
    }

    /// `send` then decode the body as `T`.
    public func get<T: Decodable>(_ path: String, as type: T.Type) throws(PlacementError) -> T {
        try decode(send("GET", path), T.self, method: "GET", path: path)
    }

    /// `send` with `body` encoded, then decode the answer as `T`.
    public func write<B: Encodable, T: Decodable>(_ method: String, _ path: String, _ body: B,
                                                   as type: T.Type) throws(PlacementError) -> T {
        try decode(send(method, path, body: encode(body, method: method, path: path)), T.self, method: method, path: path)
    }

    /// `send` with `body` encoded, ignoring the answer's body.
    public func write<B: Encodable>(_ method: String, _ path: String, _ body: B,
                                    timeout: Double? = nil) throws(PlacementError) {
        _ = try send(method, path, body: encode(body, method: method, path: path), timeout: timeout)
    }

    private func encode<B: Encodable>(_ body: B, method: String, path: String) throws(PlacementError) -> Data {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return try encoder.encode(body)
        } catch {
            throw PlacementError.badResponse(method: method, path: path, detail: "cannot encode the request: \(error)")
        }
    }

    private func decode<T: Decodable>(_ response: PlacementResponse, _ type: T.Type, method: String,
                                      path: String) throws(PlacementError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw PlacementError.badResponse(method: method, path: path, detail: "\(error)")
        }
    }

    /// Placement's details span lines and carry HTML-ish spacing; one line, capped.
    static func oneLine(_ text: String) -> String {
        let words = SafeText.strip(text).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
        return words.count > 300 ? String(words.prefix(299)) + "…" : words
    }

    private static func words(_ error: NSError) -> String {
        switch error.code {
        case NSURLErrorCannotConnectToHost: return "connection refused"
        case NSURLErrorCannotFindHost: return "host not found"
        case NSURLErrorNetworkConnectionLost: return "connection lost"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted,
             NSURLErrorServerCertificateHasUnknownRoot:
            return "TLS failed: \(oneLine(error.localizedDescription)); use a trusted certificate, or --insecure"
        default: return oneLine(error.localizedDescription)
        }
    }
}
