import Foundation
import Testing
@testable import Dashboard

/// Theme files go through the one bounded reader: a FIFO named by `--theme`
/// (or planted in a themes directory) is refused at once instead of hanging
/// the dashboard's start, and an oversize file is refused without being read
/// whole. Either way the dashboard starts on the default theme with a
/// warning that names the file and what is wrong with it.
@Suite struct ThemeFileReadTests {
    final class Box: @unchecked Sendable {
        var result: (Theme, [String])?
    }

    /// `catalog.load(name)` on another thread; nil if it did not return
    /// within a margin generous for a loaded machine (a hang, in practice).
    static func load(_ catalog: ThemeCatalog, _ name: String, unblocking fifo: String?) -> (Theme, [String])? {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread {
            box.result = catalog.load(name)
            done.signal()
        }.start()
        if done.wait(timeout: .now() + 10) == .timedOut {
            // Let the blocked reader's open return, so the thread ends.
            if let fifo {
                let fd = open(fifo, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
            }
            return nil
        }
        return box.result
    }

    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "restrack-theme-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aFIFONamedByPathIsRefusedAtOnce() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/pipe.theme"
        try #require(mkfifo(fifo, 0o600) == 0)
        let loaded = try #require(Self.load(ThemeCatalog(directories: []), fifo, unblocking: fifo),
                                  "loading a FIFO theme hung")
        #expect(loaded.0 == .builtinDefault)
        #expect(loaded.1 == ["theme file \(fifo) is a FIFO, not a regular file; using the default theme"])
    }

    @Test func aFIFOInAThemesDirectoryIsRefusedAtOnce() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/light.theme"
        try #require(mkfifo(fifo, 0o600) == 0)
        let loaded = try #require(Self.load(ThemeCatalog(directories: [dir]), "light", unblocking: fifo),
                                  "loading a FIFO theme hung")
        #expect(loaded.0 == .builtinDefault)
        #expect(loaded.1 == ["theme file \(fifo) is a FIFO, not a regular file; using the default theme"])
    }

    @Test func anOversizeThemeIsRefused() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/huge.theme"
        // Valid theme lines, one byte past the cap: only the size is wrong.
        let line = "# padding\n"
        var text = String(repeating: line, count: ThemeCatalog.maxThemeBytes / line.utf8.count)
        text += String(repeating: "#", count: ThemeCatalog.maxThemeBytes - text.utf8.count + 1)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(ThemeCatalog.maxThemeBytes == 256 << 10)
        let loaded = try #require(Self.load(ThemeCatalog(directories: [dir]), "huge", unblocking: nil))
        #expect(loaded.0 == .builtinDefault)
        #expect(loaded.1 == ["theme file \(path) is larger than 256 KiB, more than restrack reads; using the default theme"])
        // At the cap exactly it is read.
        try String(text.dropLast()).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(ThemeCatalog(directories: [dir]).load("huge").1.isEmpty)
    }
}
