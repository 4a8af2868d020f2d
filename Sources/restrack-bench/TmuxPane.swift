import Foundation

/// One private tmux server with one 160x50 pane.
struct TmuxPane {
    let dir: String
    var socket: String { dir + "/sock" }

    init(dir: String) {
        self.dir = dir
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    @discardableResult
    func tmux(_ args: [String]) -> String {
        let out = dir + "/out"
        ChildProcess.run("/usr/bin/tmux", ["-S", socket, "-f", "/dev/null"] + args,
                         env: ["PATH": "/usr/bin:/bin", "TMUX_TMPDIR": dir], outputPath: out, timeout: 10)
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    func start(_ command: String) {
        tmux(["new-session", "-d", "-s", "B", "-x", "160", "-y", "50", command])
    }

    func wait(for text: String, timeout: Double) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if tmux(["capture-pane", "-p", "-t", "B"]).contains(text) { return true }
            usleep(10_000)
        }
        return false
    }

    func panePID() -> Int32 {
        Int32(tmux(["display", "-p", "-t", "B", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func stop() { tmux(["kill-server"]) }
}
