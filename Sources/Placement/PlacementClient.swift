import CCurlShim
import Foundation
import TrackerCore

/// Talks JSON to one Placement over libcurl, one request at a time, and
/// counts what it sent. Every request carries the token and the
/// microversion; a non-2xx answer becomes a `PlacementError` that names the
/// method, path, status and Placement's error code, never the token.
public final class PlacementClient: @unchecked Sendable {
    public let endpoint: PlacementEndpoint
    /// The largest answer body restrack reads; past it the request fails
    /// (a server cannot make restrack buffer without bound).
    public let maxAnswerBytes: Int
    public static let defaultMaxAnswerBytes = 64 << 20
    private let transport = CurlEasy()
    private let lock = NSLock()
    private var sent = RequestCounts()
    private var waited = 0.0
    private var slowest: (request: String, seconds: Double)?

    public init(endpoint: PlacementEndpoint, maxAnswerBytes: Int = PlacementClient.defaultMaxAnswerBytes) {
        self.endpoint = endpoint
        self.maxAnswerBytes = maxAnswerBytes
    }

    /// Requests sent so far.
    public var counts: RequestCounts {
        lock.lock()
        defer { lock.unlock() }
        return sent
    }

    /// Wall time spent waiting for answers so far (Placement's work and the
    /// network), and the slowest request: what a sync's time is made of
    /// besides restrack's own.
    public var waiting: (total: Double, slowest: (request: String, seconds: Double)?) {
        lock.lock()
        defer { lock.unlock() }
        return (waited, slowest)
    }

    /// Sends `method path` with `body` (JSON) and returns the 2xx answer.
    /// `timeout`: this request's limit when it is not the endpoint's (a
    /// write whose cost on Placement's side grows with its size).
    public func send(_ method: String, _ path: String, body: Data? = nil,
                     timeout: Double? = nil) throws(PlacementError) -> PlacementResponse {
        let limit = timeout ?? endpoint.timeout
        // libcurl speaks many protocols; Placement is HTTP only.
        guard let url = URL(string: endpoint.url + path), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw PlacementError.refused("--url \(endpoint.url) with path \(path) is not an http:// or https:// URL")
        }
        // A line break in the token would end its header and start another.
        guard !endpoint.token.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PlacementError.refused("the token holds a control character; check --token or --token-file")
        }
        var headers = [
            "X-Auth-Token: \(endpoint.token)",
            "OpenStack-API-Version: \(PlacementEndpoint.microversion)",
            "Accept: application/json",
        ]
        if body != nil { headers.append("Content-Type: application/json") }
        lock.lock()
        if method == "GET" { sent.reads += 1 } else { sent.writes += 1 }
        lock.unlock()
        let started = ContinuousClock.now
        let outcome = transport.perform(CurlRequest(method: method, url: endpoint.url + path, headers: headers, body: body,
                                                    seconds: limit, verifyTLS: !endpoint.insecure,
                                                    maxAnswerBytes: maxAnswerBytes))
        let took = started.duration(to: .now)
        let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        lock.lock()
        waited += seconds
        if seconds > (slowest?.seconds ?? -1) {
            // The path without its query: ids, not consumer or provider data.
            slowest = (method + " " + (path.split(separator: "?").first.map(String.init) ?? path), seconds)
        }
        lock.unlock()
        let status: Int
        let bytes: Data
        switch outcome {
        case .answered(let code, let answer):
            status = code
            bytes = answer
        case .tooLarge:
            throw PlacementError.badResponse(method: method, path: path,
                                             detail: "the answer is larger than \(Self.size(maxAnswerBytes)), more than restrack reads")
        case .failed(let code, let message, let osErrno):
            throw Self.failure(code, message: message, osErrno: osErrno, method: method, path: path,
                               url: endpoint.url, seconds: limit)
        }
        if (200..<300).contains(status) {
            return PlacementResponse(status: status, body: bytes)
        }
        if status == 401 || status == 403 {
            throw PlacementError.unauthorized(url: endpoint.url, status: status)
        }
        let parsed = try? JSONDecoder().decode(PlacementErrorBody.self, from: bytes)
        let first = parsed?.errors.first
        if status == 409 && first?.code == "placement.concurrent_update" {
            lock.lock()
            sent.conflicts += 1
            lock.unlock()
        }
        let detail = first?.detail ?? first?.title ?? String(decoding: bytes.prefix(200), as: UTF8.self)
        throw PlacementError.http(method: method, path: path, status: status, code: first?.code,
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

    private static func size(_ bytes: Int) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
    }

    /// A transfer that got no answer, as the operator's one line.
    private static func failure(_ code: CURLcode, message: String, osErrno: Int32, method: String, path: String,
                                url: String, seconds: Double) -> PlacementError {
        let said = oneLine(message)
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(url: url, seconds: seconds)
        case CURLE_COULDNT_CONNECT:
            // The system's words: "connection refused", "no route to host".
            let reason = osErrno != 0 ? String(cString: strerror(osErrno)).lowercased() : said
            return .unreachable(url: url, detail: reason)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .unreachable(url: url, detail: "host not found")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .refused("--url \(url) with path \(path) is not a URL restrack can send to (\(said)); check --url")
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return .unreachable(url: url, detail: "connection lost: \(said)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS:
            return .unreachable(url: url, detail: "TLS failed: \(said); use a trusted certificate, or --insecure")
        case CURLE_WEIRD_SERVER_REPLY:
            return .badResponse(method: method, path: path, detail: said)
        default:
            return .unreachable(url: url, detail: said)
        }
    }
}
