import CCurlShim
import Foundation

/// How a `CurlRequest` ended.
enum CurlOutcome: Sendable {
    /// An HTTP answer, whatever its status.
    case answered(status: Int, body: Data)
    /// The body went past the request's `maxAnswerBytes`.
    case tooLarge
    /// No answer: libcurl's code, its message, and the system's errno
    /// behind it (0 when there is none).
    case failed(code: CURLcode, message: String, osErrno: Int32)
}
