import Synchronization

/// The CPU topology kept between polls of a long-lived owner (the
/// dashboard's `SnapshotLoader`), so a poll of a 512-CPU host reads three
/// small files instead of two per CPU.
///
/// Kept under the bytes of `present`, `online` and `isolated`: a CPU
/// hot-added, removed, taken offline or brought back changes one of them,
/// and the topology is then read again in full. What is not re-read while
/// they stay the same is each online CPU's `physical_package_id` and
/// `thread_siblings_list`, which the kernel fixes for a CPU while it is
/// online (a sibling going offline changes `online`). A host whose `online`
/// or `present` file cannot be read, or a read that gave a warning, is not
/// kept: every poll reads it again, so the warning repeats.
public final class CPUTopologyCache: Sendable {
    /// The files' bytes; `isolated` is nil when the file is absent.
    struct Key: Equatable, Sendable {
        var present: [UInt8]
        var online: [UInt8]
        var isolated: [UInt8]?
    }

    private let kept = Mutex<(key: Key, topology: CPUTopology)?>(nil)

    public init() {}

    /// The kept topology when it was read under `key`.
    func topology(for key: Key) -> CPUTopology? {
        kept.withLock { kept in
            guard let kept, kept.key == key else { return nil }
            return kept.topology
        }
    }

    /// Keeps `topology` under `key`, or forgets everything with nil.
    func keep(_ topology: CPUTopology?, key: Key?) {
        kept.withLock { kept in
            if let topology, let key { kept = (key, topology) } else { kept = nil }
        }
    }
}
