import Foundation
import Glibc

/// posix_spawn + waitpid, output to a file. Foundation's `Process` does not
/// fit tmux: the `new-session` client forks the server, which keeps any pipe
/// open, and the child would inherit the test thread's blocked signals (a
/// dashboard in a pane that never sees SIGHUP outlives `kill-server`).
enum ChildProcess {
    struct Result {
        var status: Int32
        /// stdout, followed by stderr.
        var output: String { stdout + stderr }
        var stdout: String
        var stderr: String
    }

    /// Runs `path args` with exactly `env`, in `directory`; killed after
    /// `timeout` seconds (status -9).
    static func run(_ path: String, _ args: [String], env: [String: String], directory: String? = nil,
                    timeout: Double = 60) -> Result {
        let outPath = NSTemporaryDirectory() + "rt-child-\(UUID().uuidString.prefix(8))"
        let errPath = outPath + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // env(1) changes directory: glibc's posix_spawn_file_actions_addchdir_np
        // is not visible to Swift without _GNU_SOURCE.
        let (path, args) = directory.map { ("/usr/bin/env", ["-C", $0, path] + args) } ?? (path, args)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
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
        let spawned = posix_spawn(&pid, path, &actions, &attr, argv, envp)
        guard spawned == 0 else {
            return Result(status: -1, stdout: "", stderr: "cannot run \(path): \(String(cString: strerror(spawned)))")
        }
        func read(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        let end = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) != pid {
            if Date() > end {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                return Result(status: -9, stdout: read(outPath), stderr: read(errPath))
            }
            usleep(5_000)
        }
        // WIFEXITED / WEXITSTATUS are macros; decoded by hand.
        return Result(status: (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f),
                      stdout: read(outPath), stderr: read(errPath))
    }

    /// The first executable `name` on PATH or in the usual system directories.
    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
