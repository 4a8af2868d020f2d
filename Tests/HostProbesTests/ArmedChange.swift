import Foundation

/// A change to a tree made once, when a probe calls `run` (between a kept
/// poll's reads and its proofs), and only after `arm`: the polls before
/// it read an unchanged tree. A change that throws is recorded.
final class ArmedChange: @unchecked Sendable {
    private let lock = NSLock()
    private var change: (() throws -> Void)?
    private var failure: (any Error)?
    private var ran = false

    func arm(_ change: @escaping () throws -> Void) {
        lock.withLock { self.change = change }
    }

    /// For the probe.
    var run: @Sendable () -> Void {
        { [self] in
            let change = lock.withLock { () -> (() throws -> Void)? in
                defer { self.change = nil }
                return self.change
            }
            guard let change else { return }
            do { try change() } catch { lock.withLock { failure = error } }
            lock.withLock { ran = true }
        }
    }

    /// Whether the change ran; rethrows what it threw.
    func didRun() throws -> Bool {
        try lock.withLock {
            if let failure { throw failure }
            return ran
        }
    }
}
