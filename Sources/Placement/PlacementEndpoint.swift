/// Where Placement is and how to talk to it. The token is kept here and
/// only ever put in the `X-Auth-Token` header; `description` leaves it out.
public struct PlacementEndpoint: Sendable, CustomStringConvertible {
    /// The API root, without a trailing slash (e.g. `http://ctl:8778`).
    public var url: String
    public var token: String
    /// Seconds a single request may take.
    public var timeout: Double
    /// Skip TLS certificate verification (only when asked: `--insecure`).
    public var insecure: Bool
    /// The microversion every request asks for: nested providers (1.14),
    /// consumer generations (1.28), `consumer_type` (1.38), and
    /// `same_subtree` (1.36) are all below it.
    public static let microversion = "placement 1.39"

    public init(url: String, token: String, timeout: Double = 10, insecure: Bool = false) {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.url = trimmed
        self.token = token
        self.timeout = timeout
        self.insecure = insecure
    }

    public var description: String { url }
}
