import Dashboard
import Foundation
import Glibc
import Logging
import Testing

/// The dashboard's log file is opened without following links, only when
/// it and its directory are this user's alone, and in append mode.
@Suite struct LogFileTests {
    /// A fresh private directory (mode 700) for one test.
    static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "rt-log-" + UUID().uuidString.prefix(8)
        mkdir(dir, 0o700)
        return dir
    }

    static func text(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test func createsTheDirectoryAndAFileOnlyTheOwnerCanRead() throws {
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/state/restrack/restrack.log"
        let file = try LogFile.open(path: path).get()
        file.append("hello")
        #expect(Self.text(path) == "hello\n")
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(stat(root + "/state/restrack", &st) == 0)
        #expect(st.st_mode & 0o777 == 0o700)
    }

    /// Two dashboards on one log: every line of both survives. Without
    /// O_APPEND each handle writes at its own offset and overwrites the other.
    @Test func twoWritersInterleaveWithoutOverwriting() throws {
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/restrack.log"
        let a = FileLogHandler(label: "a", file: try LogFile.open(path: path).get())
        let b = FileLogHandler(label: "b", file: try LogFile.open(path: path).get())
        for i in 0..<50 {
            a.log(event: LogEvent(level: .info, message: "line a\(i)", metadata: nil, source: "t", file: #fileID,
                                  function: #function, line: #line))
            b.log(event: LogEvent(level: .info, message: "line b\(i)", metadata: nil, source: "t", file: #fileID,
                                  function: #function, line: #line))
        }
        let lines = Self.text(path).split(separator: "\n")
        #expect(lines.count == 100)
        for i in 0..<50 {
            #expect(lines.contains { $0.hasSuffix("a: line a\(i)") }, "a\(i)")
            #expect(lines.contains { $0.hasSuffix("b: line b\(i)") }, "b\(i)")
        }
    }

    /// A link planted at the log path is refused and its target untouched.
    @Test func refusesASymlink() throws {
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = root + "/precious"
        try "keep\n".write(toFile: target, atomically: false, encoding: .utf8)
        let path = root + "/restrack.log"
        #expect(symlink(target, path) == 0)
        guard case .failure(let refusal) = LogFile.open(path: path) else {
            Issue.record("a symlinked log path was opened")
            return
        }
        #expect(refusal.description.contains("symlink"))
        #expect(refusal.description.contains(path))
        #expect(Self.text(target) == "keep\n")
        // A link to a path that does not exist yet is not created through either.
        let dangling = root + "/dangling.log"
        #expect(symlink(root + "/nowhere", dangling) == 0)
        #expect((try? LogFile.open(path: dangling).get()) == nil)
        #expect(!FileManager.default.fileExists(atPath: root + "/nowhere"))
    }

    /// Another user's file or directory (uid 65534, nobody) and a file
    /// others can write are refused. Needs root to chown; fails otherwise.
    @Test func refusesAnotherUsersFileOrDirectoryAndAGroupWritableFile() throws {
        try #require(geteuid() == 0, "this test runs as root (CI does) to give a file to uid 65534")
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/restrack.log"
        try "theirs\n".write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o600)
        #expect(chown(path, 65534, 65534) == 0)
        guard case .failure(let foreignFile) = LogFile.open(path: path) else {
            Issue.record("another user's log file was opened")
            return
        }
        #expect(foreignFile.description.contains("uid 65534"))
        #expect(Self.text(path) == "theirs\n")

        #expect(chown(path, 0, 0) == 0)
        chmod(path, 0o620)
        guard case .failure(let groupWritable) = LogFile.open(path: path) else {
            Issue.record("a group-writable log file was opened")
            return
        }
        #expect(groupWritable.description.contains("writable by other users"))

        let theirDir = root + "/theirs"
        mkdir(theirDir, 0o755)
        #expect(chown(theirDir, 65534, 65534) == 0)
        guard case .failure(let foreignDir) = LogFile.open(path: theirDir + "/restrack.log") else {
            Issue.record("a log in another user's directory was opened")
            return
        }
        #expect(foreignDir.description.contains("directory") && foreignDir.description.contains("uid 65534"))
        #expect(!FileManager.default.fileExists(atPath: theirDir + "/restrack.log"))
    }

    /// A FIFO at the log path is refused at once instead of blocking the open.
    @Test func refusesAFIFOWithoutBlocking() throws {
        let root = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/restrack.log"
        #expect(mkfifo(path, 0o600) == 0)
        guard case .failure(let refusal) = LogFile.open(path: path) else {
            Issue.record("a FIFO was opened as the log")
            return
        }
        #expect(refusal.description.contains("not a regular file"))
    }
}
