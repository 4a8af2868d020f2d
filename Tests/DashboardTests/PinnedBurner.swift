import Foundation
import Glibc

/// `taskset -c CPU sh -c 'while :; do :; done'`, spawned with an empty
/// signal mask and default dispositions and ended with SIGKILL (the test
/// runner may block SIGTERM for its children), then reaped.
final class PinnedBurner {
    let pid: pid_t
    private var ended = false

    init?(taskset: String, cpu: Int, error: inout String) {
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
        let args = [taskset, "-c", "\(cpu)", "sh", "-c", "while :; do :; done"]
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, taskset, &actions, &attr, argv, environ)
        guard rc == 0 else {
            error = "cannot run \(taskset): \(String(cString: strerror(rc)))"
            return nil
        }
        pid = child
    }

    deinit { stop() }

    func stop() {
        guard !ended else { return }
        ended = true
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
