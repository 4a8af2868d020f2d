import Foundation

/// Collects an answer's body from libcurl's write callback, up to a limit:
/// past it the callback refuses the bytes and libcurl abandons the transfer,
/// so a server cannot make restrack buffer without bound.
final class ResponseSink {
    private(set) var body = Data()
    private(set) var overflowed = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Keeps `bytes`; false (and nothing kept) when they would pass the limit.
    func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= limit - body.count else {
            overflowed = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }
}
