import Foundation
import TestSupport
import Testing

/// A small tmpfs of a test's own, to run the ledger on a read-only or full
/// file system. Two ways to get one, both kept working:
/// - `hostMount`: `mount -t tmpfs` at the path, as root (CI runs as root);
/// - `userNamespace`: no privilege needed where unprivileged user
///   namespaces are allowed: `unshare -rm` starts a holder process with its
///   own mount namespace and the tmpfs inside it, and every command that
///   must see the tmpfs runs there through `nsenter`. The tmpfs goes away
///   with the holder, so nothing stays mounted if a test dies.
final class ScratchMount {
    enum Mode: String, CaseIterable, CustomStringConvertible, Sendable {
        case hostMount, userNamespace
        var description: String { rawValue }
    }

    let path: String
    let mode: Mode
    private var holder: Process?
    private var mounted = false

    /// Mounts a tmpfs with `options` at `path` (created 0700); nil, with an
    /// issue under CI=true or a note elsewhere, when this machine cannot.
    init?(at path: String, options: String, mode: Mode, sourceLocation: SourceLocation = #_sourceLocation) {
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        // The kernel's spelling (no "//", no symlinks), as the mount table shows it.
        self.path = realpath(path, nil).map { resolved in
            defer { free(resolved) }
            return String(cString: resolved)
        } ?? path
        self.mode = mode
        switch mode {
        case .hostMount:
            guard TestEnvironment.require(TestEnvironment.isRoot, "root, to mount a tmpfs", sourceLocation: sourceLocation),
                  let mount = TestEnvironment.executable(named: "mount") else { return nil }
            let r = LedgerCLI.run(["-t", "tmpfs", "-o", options, "tmpfs", self.path], executable: mount, timeout: 30)
            guard TestEnvironment.require(r.status == 0, "a tmpfs mount at \(self.path): \(r.stderr)", sourceLocation: sourceLocation)
            else { return nil }
            mounted = true
        case .userNamespace:
            guard let unshare = TestEnvironment.executable(named: "unshare"),
                  TestEnvironment.executable(named: "nsenter") != nil else {
                _ = TestEnvironment.require(false, "unshare and nsenter (util-linux)", sourceLocation: sourceLocation)
                return nil
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: unshare)
            // sh execs sleep: the holder keeps one pid, the one nsenter needs.
            p.arguments = ["-r", "-m", "--propagation", "private", "sh", "-c",
                           #"mount -t tmpfs -o "$1" tmpfs "$2" && exec sleep 600"#, "sh", options, self.path]
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else {
                _ = TestEnvironment.require(false, "unshare to start", sourceLocation: sourceLocation)
                return nil
            }
            holder = p
            // Mounted once the holder's mount table shows the path.
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline, p.isRunning {
                let table = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/mountinfo", encoding: .utf8)) ?? ""
                if table.contains(" \(self.path) ") { mounted = true; break }
                usleep(20_000)
            }
            guard TestEnvironment.require(mounted, "unprivileged user namespaces (unshare -rm) to mount a tmpfs",
                                          sourceLocation: sourceLocation) else {
                close()
                return nil
            }
        }
    }

    /// Runs `executable args` where the tmpfs is visible.
    @discardableResult
    func run(_ args: [String], executable: String = LedgerCLI.restrack) -> LedgerCLI.Result {
        guard mode == .userNamespace, let holder, let nsenter = TestEnvironment.executable(named: "nsenter") else {
            return LedgerCLI.run(args, executable: executable)
        }
        // --preserve-credentials: the namespace maps only our own ids, so
        // nsenter's default setgroups would be refused.
        return LedgerCLI.run(["-t", "\(holder.processIdentifier)", "-U", "-m", "--preserve-credentials", "--", executable] + args,
                             executable: nsenter)
    }

    /// Fills what is left of the file system with one file, `name`.
    func fill(_ name: String) {
        run(["-c", #"cat /dev/zero > "$1""#, "sh", path + "/" + name], executable: "/bin/sh")
    }

    func remove(_ name: String) {
        run(["-f", path + "/" + name], executable: "/bin/rm")
    }

    func close() {
        if mode == .hostMount, mounted, let umount = TestEnvironment.executable(named: "umount") {
            LedgerCLI.run([path], executable: umount, timeout: 30)
        }
        if let holder {
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
        }
        mounted = false
        holder = nil
    }
}
