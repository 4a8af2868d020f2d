import CCurlShim
import Foundation

/// One libcurl easy handle, one transfer at a time. `curl_easy_perform`
/// runs the transfer on the calling thread and sleeps in poll(2) until the
/// socket is ready or the limit passes: waiting on a slow Placement costs no
/// CPU (a sync run from a timer must not hold a core while Placement
/// works). The handle is kept between requests so its connection is reused.
final class CurlEasy: @unchecked Sendable {
    private let lock = NSLock()
    /// nil when libcurl could not start; every request then fails.
    private let handle: UnsafeMutableRawPointer?

    init() {
        handle = restrack_curl_global_init() == CURLE_OK ? curl_easy_init() : nil
    }

    deinit {
        if let handle { curl_easy_cleanup(handle) }
    }

    func perform(_ request: CurlRequest) -> CurlOutcome {
        lock.lock()
        defer { lock.unlock() }
        guard let handle else {
            return .failed(code: CURLE_FAILED_INIT, message: "libcurl could not be initialised", osErrno: 0)
        }
        // Options from the previous request go; its connection stays.
        curl_easy_reset(handle)
        let sink = ResponseSink(limit: request.maxAnswerBytes)
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headers: UnsafeMutablePointer<curl_slist>?
        defer {
            // The handle must not keep pointers to what is freed here.
            curl_easy_reset(handle)
            curl_slist_free_all(headers)
            errorText.deallocate()
        }
        // "Expect:" (empty) keeps libcurl from waiting for a 100 Continue
        // before a large body.
        for line in request.headers + ["Expect:"] {
            guard let longer = curl_slist_append(headers, line) else {
                return .failed(code: CURLE_OUT_OF_MEMORY, message: "out of memory", osErrno: 0)
            }
            headers = longer
        }
        let milliseconds = max(1, Int((request.seconds * 1000).rounded(.up)))
        var set = [
            restrack_curl_setopt_string(handle, CURLOPT_URL, request.url),
            // No signals: libcurl is used from any thread, and its DNS
            // timeout by SIGALRM is not thread-safe.
            restrack_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            restrack_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds),
            restrack_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds),
            restrack_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, request.verifyTLS ? 1 : 0),
            restrack_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, request.verifyTLS ? 2 : 0),
            restrack_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxAnswerBytes)),
            restrack_curl_setopt_string(handle, CURLOPT_USERAGENT, "restrack"),
            restrack_curl_setopt_headers(handle, headers),
            restrack_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText),
            restrack_curl_setopt_write_function(handle, { bytes, size, count, context in
                guard let context else { return 0 }
                let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
                let total = size * count
                guard total > 0, let bytes else { return total }
                return sink.append(UnsafeRawBufferPointer(start: bytes, count: total)) ? total : 0
            }),
            restrack_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()),
        ]
        if let body = request.body ?? (["POST", "PUT", "PATCH"].contains(request.method) ? Data() : nil) {
            // COPYPOSTFIELDS: libcurl keeps its own copy for the transfer.
            set.append(restrack_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            set.append(body.isEmpty
                ? restrack_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                : body.withUnsafeBytes { restrack_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) })
        }
        if request.method != "GET" && request.method != "POST" {
            set.append(restrack_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        }
        if let refused = set.first(where: { $0 != CURLE_OK }) {
            return .failed(code: refused, message: String(cString: curl_easy_strerror(refused)), osErrno: 0)
        }
        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        if sink.overflowed || code == CURLE_FILESIZE_EXCEEDED { return .tooLarge }
        guard code == CURLE_OK else {
            var osErrno = 0
            _ = restrack_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
            let detail = String(cString: errorText)
            return .failed(code: code, message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail,
                           osErrno: Int32(truncatingIfNeeded: osErrno))
        }
        var status = 0
        _ = restrack_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .answered(status: status, body: sink.body)
    }
}
