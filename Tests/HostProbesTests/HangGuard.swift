import Foundation
import Testing

/// Runs a body that must not block on a FIFO, with a way out if it does:
/// after `timeout` the test fails, and each FIFO gets a writer that opens
/// and closes it, so a reader stuck in open(2) or read(2) sees end of file
/// and the suite goes on instead of hanging.
enum HangGuard {
    static func run<T: Sendable>(timeout: Double = 20, fifos: [String], _ body: @escaping @Sendable () throws -> T) throws -> T {
        nonisolated(unsafe) var result: Result<T, any Error>?
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            result = Result { try body() }
            done.signal()
        }
        thread.start()
        if done.wait(timeout: .now() + timeout) == .timedOut {
            Issue.record("blocked for over \(timeout) s reading a FIFO")
            // Keep releasing until the body ends: it may reach several FIFOs.
            while done.wait(timeout: .now() + 0.2) == .timedOut {
                for f in fifos {
                    let fd = open(f, O_WRONLY | O_NONBLOCK)
                    if fd >= 0 { close(fd) }
                }
            }
        }
        guard let result else { throw CancellationError() }
        return try result.get()
    }

    /// Replaces `path` (a file or nothing) with a FIFO.
    static func mkfifo(_ path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        guard Foundation.mkfifo(path, 0o644) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
