import Foundation
import Glibc

/// Idle processes spawned for a benchmark run, as a busy host has them:
/// `sleep infinity`, every `pinEvery`-th through `taskset -c CPU` (a pinned
/// guest's shape), so every /proc scanner (htop, the task scan) has them to
/// walk. `stop` kills and reaps them all.
final class ExtraProcesses {
    private(set) var pids: [pid_t] = []
    private(set) var pinned = 0

    /// Spawns `count` processes; pinned ones go to `pinCPU`.
    init(count: Int, pinEvery: Int, pinCPU: Int) throws {
        let sleep = ["/usr/bin/sleep", "/bin/sleep"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let taskset = ["/usr/bin/taskset", "/bin/taskset"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let sleep else { throw BenchFailure("no sleep binary in /usr/bin or /bin") }
        for i in 0..<count {
            let pin = pinEvery > 0 && i % pinEvery == 0
            var argv = [sleep, "infinity"]
            if pin {
                guard let taskset else { throw BenchFailure("taskset (util-linux) is needed to pin processes") }
                argv = [taskset, "-c", String(pinCPU)] + argv
            }
            guard let pid = Self.spawn(argv) else {
                stop()
                throw BenchFailure("could not spawn extra process \(i + 1) of \(count): errno \(errno)")
            }
            pids.append(pid)
            if pin { pinned += 1 }
        }
    }

    private static func spawn(_ args: [String]) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, args[0], &actions, nil, argv, environ) == 0 else { return nil }
        return pid
    }

    func stop() {
        for pid in pids { kill(pid, SIGKILL) }
        var status: Int32 = 0
        for pid in pids { waitpid(pid, &status, 0) }
        pids = []
    }
}
