import Foundation
import TestSupport
import Testing

/// A private tmux server running the installed `restrack` by name, in a
/// 160x50 window. Every wait is bounded; `stop()` kills the server.
struct TmuxSession {
    let tmux: String
    let socket: String
    let tree: InstalledTree

    init?(tree: InstalledTree) {
        guard let tmux = ChildProcess.tool("tmux") else {
            Issue.record("tmux is not installed (.ci/run installs it)")
            return nil
        }
        self.tmux = tmux
        self.tree = tree
        socket = tree.work + "/tmux-\(UUID().uuidString.prefix(8))"
    }

    @discardableResult
    func run(_ args: [String]) -> String {
        ChildProcess.run(tmux, ["-S", socket, "-f", "/dev/null"] + args, env: tree.environment, timeout: 10).stdout
    }

    /// Starts `restrack args…` through PATH; the pane stays after it exits
    /// so its exit status can be read.
    func start(_ args: [String]) {
        let env = tree.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = (["env"] + env + ["restrack"] + args).map(Self.quote).joined(separator: " ")
        run(["new-session", "-d", "-s", "S", "-x", "160", "-y", "50", "-c", tree.work,
             "\(command); echo \"EXIT=$?\"; sleep 30"])
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func capture() -> String { run(["capture-pane", "-p", "-t", "S"]) }

    func keys(_ k: String...) { run(["send-keys", "-t", "S"] + k) }

    /// Polls the screen until `text` shows; the last screen either way.
    func wait(for text: String, timeout: Double = 15) -> (found: Bool, screen: String) {
        let end = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < end {
            screen = capture()
            if screen.contains(text) { return (true, screen) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return (false, screen)
    }

    func stop() { run(["kill-server"]) }
}
