import Foundation

/// The changes a sync has written so far, collected from its callback.
final class ChangeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func add(_ change: String) {
        lock.lock()
        items.append(change)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
