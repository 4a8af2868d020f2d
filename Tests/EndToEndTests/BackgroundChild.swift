import Foundation
import Glibc

/// A child left running while the test works (`taskset -c 1 sleep 60`, a
/// pinned CPU burner), spawned with an empty signal mask and default
/// dispositions so SIGKILL ends it whatever the test runner blocks.
/// `kill()` sends SIGKILL and reaps it, so no zombie keeps its /proc entry.
final class BackgroundChild {
    let pid: pid_t
    private var reaped = false

    /// Spawns `path args` with output discarded; nil (with the reason in
    /// `error`) when it cannot start.
    init?(_ path: String, _ args: [String], error: inout String) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, path, &actions, &attr, argv, environ)
        guard rc == 0 else {
            error = "cannot run \(path): \(String(cString: strerror(rc)))"
            return nil
        }
        pid = child
    }

    deinit { kill() }

    /// The child's `comm` now, nil once it is gone.
    var comm: String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits up to `timeout` seconds for the child to show `comm` (after
    /// taskset's exec); true when it does.
    func waitForComm(_ name: String, timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if comm == name { return true }
            usleep(10_000)
        }
        return false
    }

    func kill() {
        guard !reaped else { return }
        reaped = true
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
