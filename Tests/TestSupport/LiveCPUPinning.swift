import Foundation

/// Live tests that pin a child to a CPU and then expect to be the only
/// holder of it (the taskset holder test, the capture replay test) run one
/// at a time: Swift Testing runs suites in parallel, and a second pinned
/// `sleep` on the same CPU would be named in the first test's refusal.
public enum LiveCPUPinning {
    private static let lock = NSLock()

    /// Runs `body` while no other pinning test runs.
    public static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
