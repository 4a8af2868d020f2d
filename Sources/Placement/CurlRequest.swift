import Foundation

/// One HTTP request as `CurlEasy` sends it.
struct CurlRequest: Sendable {
    var method: String
    var url: String
    /// Complete header lines (`Name: value`); only ever handed to libcurl.
    var headers: [String]
    var body: Data?
    /// The whole exchange's limit, connecting included.
    var seconds: Double
    /// Verify the peer's certificate and name against the system CA bundle.
    var verifyTLS: Bool
    /// The largest answer body read; past it the transfer is abandoned.
    var maxAnswerBytes: Int
}
