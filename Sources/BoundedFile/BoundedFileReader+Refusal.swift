extension BoundedFileReader {
    /// A failure with the errno of the open, fstat or read behind it, or
    /// nil when the file was refused for its kind or size. Callers that
    /// tell a vanished process (ENOENT, ESRCH) from a hidden one (EACCES,
    /// EPERM) need the number, not only the words.
    public struct Refusal: Error, Equatable, Sendable {
        public var failure: Failure
        public var errno: Int32?

        public init(_ failure: Failure, errno: Int32?) {
            self.failure = failure
            self.errno = errno
        }
    }

    /// What a read does with a file longer than its limit: refuse it
    /// (documents: half a document is a wrong one) or keep the head
    /// (probe files whose useful lines come first).
    public enum Overflow: Sendable {
        case refuse
        case truncate
    }
}
