import Foundation
import TestSupport
import Testing

/// A private tmux server (own socket, own temp dir, own ledger) running the
/// built `restrack`, for end-to-end tests. Every wait is bounded and the
/// server is killed in `stop()`.
final class Tmux {
    let dir: String
    let socket: String
    let ledger: String
    /// tmux from PATH (it is not in /usr/bin everywhere).
    static let tmux = TestEnvironment.executable(named: "tmux") ?? "tmux"

    static var repoRoot: String { URLPath.repoRoot }

    /// The built products, next to the test bundle.
    static let binDir: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments.first ?? ".").deletingLastPathComponent().path,
            Bundle.main.bundleURL.deletingLastPathComponent().path,
            Bundle.main.bundleURL.path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/restrack") } ?? candidates[0]
    }()

    static var restrack: String { binDir + "/restrack" }
    static var available: Bool { FileManager.default.isExecutableFile(atPath: tmux) }
    /// Whether the tmux suites run: with tmux, and always under CI=true, where
    /// a missing tmux must fail them (TmuxRequirementTests says why) rather
    /// than skip them.
    static var suiteRuns: Bool { available || TestEnvironment.isCI }

    init() {
        dir = NSTemporaryDirectory() + "rt-tmux-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        socket = dir + "/sock"
        ledger = dir + "/ledger.sqlite"
    }

    /// Starts `restrack args` in a 160x50 UTF-8 xterm-256color window.
    /// `after` runs in the pane once restrack exits (e.g. `stty -a` to show
    /// the modes it left behind).
    func start(_ args: [String], env extra: [String: String] = [:], width: Int = 160, height: Int = 50,
               term: String? = "xterm-256color", after: String = "sleep 30") {
        // tmux sets TERM from its default-terminal, so the environment is
        // set with env(1) in the pane's command instead.
        var env = ["LC_ALL": "C.UTF-8", "XDG_STATE_HOME": dir + "/state", "XDG_CONFIG_HOME": dir + "/config", "HOME": dir]
        if let term { env["TERM"] = term }
        for (k, v) in extra { env[k] = v }
        let cmd = command(args, env: env, term: term)
        // Keep the pane after exit so a crash or exit code can be read.
        run(["new-session", "-d", "-s", "S", "-x", "\(width)", "-y", "\(height)", "\(cmd); echo \"EXIT=$?\"; \(after)"])
    }

    /// The shell command line that runs `restrack args` with `env` (TERM
    /// unset when `term` is nil).
    func command(_ args: [String], env: [String: String], term: String?) -> String {
        let assignments = env.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }
        return (["env"] + (term == nil ? ["-u", "TERM"] : []) + assignments + [Tmux.restrack] + args)
            .map(Tmux.quote).joined(separator: " ")
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs one tmux client command and returns what it printed.
    @discardableResult
    func run(_ args: [String]) -> String {
        let outPath = dir + "/out-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        ChildProcess.status(Tmux.tmux, ["-S", socket, "-f", "/dev/null"] + args,
                  env: ["PATH": "/usr/bin:/bin", "TMUX_TMPDIR": dir], outputPath: outPath, timeout: 10)
        return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    }

    /// A tmux format for the pane, e.g. `#{alternate_on}`, `#{cursor_flag}`, `#{pane_pid}`.
    func pane(_ format: String) -> String {
        run(["display-message", "-p", "-t", "S", format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The pid of the pane shell's child (restrack), from /proc.
    func restrackPid() -> pid_t? {
        guard let shell = Int32(pane("#{pane_pid}")),
              let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for e in entries {
            guard let pid = Int32(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after "(comm)": state, ppid, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, Int32(fields[1]) == shell, stat.contains("(restrack)") { return pid }
        }
        return nil
    }

    func capture(escapes: Bool = false) -> String {
        run(["capture-pane", "-p", "-t", "S"] + (escapes ? ["-e"] : []))
    }

    func keys(_ k: String...) { run(["send-keys", "-t", "S"] + k) }
    func keys(_ k: [String]) { run(["send-keys", "-t", "S"] + k) }
    func literal(_ s: String) { run(["send-keys", "-t", "S", "-l", s]) }
    func resize(_ w: Int, _ h: Int) { run(["resize-window", "-t", "S", "-x", "\(w)", "-y", "\(h)"]) }

    /// How long a wait polls by default: a debug build on a loaded 2-core
    /// machine can take seconds to draw, and a wait that succeeds returns
    /// as soon as the text shows, so only a failing test pays for the margin.
    static let defaultWait: Double = 30

    /// Polls the screen until `text` shows (true) or `timeout` passes (false).
    @discardableResult
    func wait(for text: String, timeout: Double = Tmux.defaultWait) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if capture().contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    /// Polls until `text` is gone from the screen.
    @discardableResult
    func wait(untilGone text: String, timeout: Double = Tmux.defaultWait) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if !capture().contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return false
    }

    func stop() {
        run(["kill-server"])
        Thread.sleep(forTimeInterval: 0.2)  // a socket reused right after kill-server races (notes)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Runs the restrack CLI directly (for audit/check after a session).
    static func cli(_ args: [String]) -> (status: Int32, out: String) {
        let outPath = NSTemporaryDirectory() + "rt-cli-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let status = ChildProcess.status(restrack, args, env: ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()],
                               outputPath: outPath, timeout: 60)
        return (status, (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
    }
}
