import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// posix_spawn and waitpid, the one way the tests start a child. Foundation's
/// `Process` does not fit: a tmux `new-session` client forks the server,
/// which keeps any pipe open and leaves clients as zombies `Process` never
/// notices, and the child would inherit the test thread's blocked signals
/// (a tmux server that never sees SIGWINCH, a dashboard that outlives
/// `kill-server`, a burner SIGTERM cannot end). So the child starts with an
/// empty signal mask and default handlers, stdin from /dev/null.
enum ChildSpawn {
    /// The signals whose handlers are reset to default: those the tests'
    /// children (tmux, restrack, stty) must see.
    static let listedDefaults = [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGCHLD, SIGPIPE, SIGQUIT]

    /// Starts `path args`; `env` nil passes this process's environment.
    /// `allDefaults` resets every handler, not only `listedDefaults`.
    /// The pid, or posix_spawn's error number.
    static func start(_ path: String, _ args: [String], env: [String: String]?, output: ChildOutput,
                      allDefaults: Bool) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        switch output {
        case .discarded:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case .combined(let file):
            posix_spawn_file_actions_addopen(&actions, 1, file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        case .separate(let out, let err):
            posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        if allDefaults {
            sigfillset(&defaults)
        } else {
            sigemptyset(&defaults)
            for sig in listedDefaults { sigaddset(&defaults, sig) }
        }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = env.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            for p in argv { free(p) }
            for p in envp ?? [] { free(p) }
        }
        var pid: pid_t = 0
        let rc = envp.map { posix_spawn(&pid, path, &actions, &attr, argv, $0) }
            ?? posix_spawn(&pid, path, &actions, &attr, argv, environ)
        return rc == 0 ? .success(pid) : .failure(SpawnError(path: path, code: rc))
    }

    /// Waits for `pid` up to `timeout` seconds, then kills it with SIGKILL.
    /// The exit status, minus the signal that ended it, -9 on the timeout,
    /// -1 when waitpid fails.
    static func wait(_ pid: pid_t, timeout: Double) -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 { return -1 }
            if Date() > end {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return -9
            }
            usleep(5_000)
        }
        // WIFEXITED / WEXITSTATUS are macros; decoded by hand.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
    }
}
