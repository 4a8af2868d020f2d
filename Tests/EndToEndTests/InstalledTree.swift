import Foundation
import TestSupport
import Testing

/// `make install` of the debug build `swift test` made, into a temporary
/// prefix, and the installed binary run as an operator runs it: by name
/// through PATH, from a directory outside the source tree, with its own HOME
/// and XDG directories.
struct InstalledTree {
    let prefix: String
    /// HOME, the XDG directories, ledgers and scratch files.
    let work: String

    static let repoRoot: String = {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)
        return "/" + parts.joined(separator: "/")
    }()

    /// Runs `make -C <repo> TARGET PREFIX=… CONFIG=debug BUILD_DIR=…` plus
    /// `extra` variables; records an issue with make's output if it fails.
    @discardableResult
    static func make(_ target: String, prefix: String, extra: [String] = []) -> ChildProcess.Result {
        guard let make = ChildProcess.tool("make") else {
            Issue.record("make is not installed (.ci/run installs it)")
            return ChildProcess.Result(status: -1, stdout: "", stderr: "")
        }
        // Generating the man page may build swift-argument-parser's
        // generate-manual tool the first time: minutes on a loaded machine.
        let result = ChildProcess.run(make, ["-C", repoRoot, target, "PREFIX=\(prefix)", "CONFIG=debug",
                                             "BUILD_DIR=\(LedgerCLI.binDir)"] + extra,
                                      env: ProcessInfo.processInfo.environment, timeout: 900)
        if result.status != 0 { Issue.record("make \(target) exited \(result.status):\n\(result.output)") }
        return result
    }

    static func install() -> InstalledTree {
        let base = NSTemporaryDirectory() + "rt-install-\(UUID().uuidString.prefix(8))"
        let tree = InstalledTree(prefix: base + "/prefix", work: base + "/work")
        try? FileManager.default.createDirectory(atPath: tree.work, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        make("install", prefix: tree.prefix)
        return tree
    }

    /// What an operator's shell would pass: the prefix's bin first on PATH.
    var environment: [String: String] {
        ["PATH": prefix + "/bin:/usr/local/bin:/usr/bin:/bin", "HOME": work, "LC_ALL": "C.UTF-8",
         "XDG_STATE_HOME": work + "/state", "XDG_CONFIG_HOME": work + "/config", "TERM": "xterm-256color"]
    }

    /// `restrack args…` found through PATH (so its argv[0] is the bare name).
    func restrack(_ args: [String]) -> ChildProcess.Result {
        ChildProcess.run("/usr/bin/env", ["-C", work, "restrack"] + args, env: environment)
    }

    /// `bash -c script args…` with the operator's environment, in `work`.
    func bash(_ script: String, _ args: [String]) -> ChildProcess.Result {
        guard let bash = ChildProcess.tool("bash") else {
            Issue.record("bash is not installed")
            return ChildProcess.Result(status: -1, stdout: "", stderr: "")
        }
        return ChildProcess.run(bash, ["-c", script] + args, env: environment, directory: work)
    }

    func write(_ name: String, _ text: String) -> String {
        let path = work + "/" + name
        if !FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) { Issue.record("cannot write \(path)") }
        return path
    }
}
