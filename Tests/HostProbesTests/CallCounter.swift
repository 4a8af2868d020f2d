import Foundation
import HostProbes
import TrackerCore

/// Counts calls of a stand-in foreign probe: how many times an observer
/// ran its structural scan.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0

    var count: Int { lock.withLock { n } }

    /// A foreign reader that reads nothing and counts.
    var reader: @Sendable (HostSnapshot) -> ForeignReading {
        { [self] _ in
            lock.withLock { n += 1 }
            return ForeignReading()
        }
    }
}
