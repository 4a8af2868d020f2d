import Foundation
import Glibc

/// posix_spawn + waitpid. Foundation's `Process` left tmux clients as
/// zombies it never noticed (the `new-session` client forks the server), so
/// `waitUntilExit` hung; waiting on the pid directly cannot miss the exit.
enum Spawn {
    /// Runs `path args` with `env`, stdout+stderr to `outputPath` (or
    /// /dev/null); kills it after `timeout` seconds. Returns the exit status.
    @discardableResult
    static func run(_ path: String, _ args: [String], env: [String: String], outputPath: String? = nil,
                    timeout: Double = 20) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let out = outputPath ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        // Test threads block most signals and posix_spawn passes the mask
        // on: a tmux server and its restrack would then never see SIGWINCH,
        // SIGTERM or SIGHUP. Start the child with an empty mask and default
        // handlers.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGCHLD, SIGPIPE, SIGQUIT] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attr, argv, envp) == 0 else { return -1 }
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
        // WIFEXITED / WEXITSTATUS are macros; decode by hand.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
    }
}
