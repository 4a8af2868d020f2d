import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child left running while the test works (`taskset -c 1 sleep 60`, a
/// pinned CPU burner), spawned with an empty signal mask and every handler
/// at its default so SIGKILL ends it whatever the test runner blocks.
/// `kill()` sends SIGKILL and reaps it, so no zombie keeps its /proc entry.
public final class BackgroundChild {
    public let pid: pid_t
    private var reaped = false

    /// Spawns `path args` with output discarded; nil (with the reason in
    /// `error`) when it cannot start.
    public init?(_ path: String, _ args: [String], error: inout String) {
        switch ChildSpawn.start(path, args, env: nil, output: .discarded, allDefaults: true) {
        case .success(let child):
            pid = child
        case .failure(let failure):
            error = failure.description
            return nil
        }
    }

    /// `taskset -c CPU sh -c 'while :; do :; done'`: a load on one CPU.
    public static func pinnedBurner(taskset: String, cpu: Int, error: inout String) -> BackgroundChild? {
        BackgroundChild(taskset, ["-c", "\(cpu)", "sh", "-c", "while :; do :; done"], error: &error)
    }

    deinit { kill() }

    /// The child's `comm` now, nil once it is gone.
    public var comm: String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits up to `timeout` seconds for the child to show `comm` (after
    /// taskset's exec); true when it does.
    public func waitForComm(_ name: String, timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if comm == name { return true }
            usleep(10_000)
        }
        return false
    }

    public func kill() {
        guard !reaped else { return }
        reaped = true
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
