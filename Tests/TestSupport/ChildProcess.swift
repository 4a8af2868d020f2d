import Foundation

/// A child run to its end, through `ChildSpawn` (see there why not
/// Foundation's `Process`), with exactly the environment given.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        /// stdout, followed by stderr.
        public var output: String { stdout + stderr }
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Runs `path args` with exactly `env`, in `directory`; killed after
    /// `timeout` seconds (status -9).
    public static func run(_ path: String, _ args: [String], env: [String: String], directory: String? = nil,
                           timeout: Double = 60) -> Result {
        let outPath = NSTemporaryDirectory() + "rt-child-\(UUID().uuidString.prefix(8))"
        let errPath = outPath + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        // env(1) changes directory: glibc's posix_spawn_file_actions_addchdir_np
        // is not visible to Swift without _GNU_SOURCE.
        let (path, args) = directory.map { ("/usr/bin/env", ["-C", $0, path] + args) } ?? (path, args)
        let pid: pid_t
        switch ChildSpawn.start(path, args, env: env, output: .separate(stdout: outPath, stderr: errPath),
                                allDefaults: false) {
        case .success(let child): pid = child
        case .failure(let failure): return Result(status: -1, stdout: "", stderr: failure.description)
        }
        let status = ChildSpawn.wait(pid, timeout: timeout)
        func read(_ file: String) -> String { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        return Result(status: status, stdout: read(outPath), stderr: read(errPath))
    }

    /// Runs `path args` with `env`, stdout and stderr to `outputPath` (or
    /// /dev/null); killed after `timeout` seconds (-9). The exit status,
    /// -1 when it cannot start.
    @discardableResult
    public static func status(_ path: String, _ args: [String], env: [String: String], outputPath: String? = nil,
                              timeout: Double = 20) -> Int32 {
        let output = outputPath.map { ChildOutput.combined($0) } ?? .combined("/dev/null")
        guard case .success(let pid) = ChildSpawn.start(path, args, env: env, output: output, allDefaults: false) else {
            return -1
        }
        return ChildSpawn.wait(pid, timeout: timeout)
    }

    /// The first executable `name` on PATH or in the usual system directories.
    public static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin"]
        return dirs.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
