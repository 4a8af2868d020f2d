#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A long-lived loader parses its config once per version of the file:
/// every way an operator changes the file (edited in place, saved by
/// rename, old modification time put back) is parsed on the next poll.
@Suite struct ComputeConfigCacheTests {
    private final class Dir {
        let path = NSTemporaryDirectory() + "/restrack-config-cache-\(UUID().uuidString)"
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var config: String { path + "/nova.conf" }

        /// Writes in place (same inode), as an editor that truncates does.
        func write(_ text: String, to file: String? = nil) throws {
            let target = file ?? config
            if !FileManager.default.fileExists(atPath: target) {
                _ = FileManager.default.createFile(atPath: target, contents: nil)
            }
            let handle = try #require(FileHandle(forWritingAtPath: target))
            defer { try? handle.close() }
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(text.utf8))
        }

        func status() throws -> stat {
            var st = stat()
            #expect(stat(config, &st) == 0)
            return st
        }

        /// `touch -r`: the given access and modification times put back.
        func setTimes(from st: stat) throws {
            var times = [st.st_atim, st.st_mtim]
            try #require(utimensat(AT_FDCWD, config, &times, 0) == 0)
        }
    }

    private static func shared(_ cpus: String) -> String { "[compute]\ncpu_shared_set = \(cpus)\n" }

    /// Sleeps past a clock tick, so the next write gets another change time.
    private static func nextTick() { usleep(30_000) }

    @Test func anUnchangedFileIsParsedOnce() throws {
        let dir = try Dir()
        try dir.write(Self.shared("0-3"))
        let cache = ComputeConfigCache(settle: 0)
        #expect(try cache.load(path: dir.config).cpuSharedSet == CPUSet([0, 1, 2, 3]))
        #expect(try cache.load(path: dir.config).cpuSharedSet == CPUSet([0, 1, 2, 3]))
        #expect(cache.parses == 1)
    }

    @Test func aRewriteInPlaceWithItsOldModificationTimeIsParsedAgain() throws {
        let dir = try Dir()
        try dir.write(Self.shared("0-3"))
        let cache = ComputeConfigCache(settle: 0)
        #expect(try cache.load(path: dir.config).cpuSharedSet == CPUSet([0, 1, 2, 3]))
        let before = try dir.status()
        Self.nextTick()
        // Same size, same inode, the old modification time restored: only
        // the change time tells.
        try dir.write(Self.shared("0-2"))
        try dir.setTimes(from: before)
        let after = try dir.status()
        #expect(after.st_size == before.st_size && after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        #expect(try cache.load(path: dir.config).cpuSharedSet == CPUSet([0, 1, 2]))
        #expect(cache.parses == 2)
    }

    @Test func aFileSavedByRenameIsParsedAgain() throws {
        let dir = try Dir()
        try dir.write(Self.shared("0-3"))
        let cache = ComputeConfigCache(settle: 0)
        #expect(try cache.load(path: dir.config).cpuSharedSet == CPUSet([0, 1, 2, 3]))
        let before = try dir.status()
        let fresh = dir.path + "/nova.conf.new"
        try dir.write(Self.shared("1-3"), to: fresh)
        var times = [before.st_atim, before.st_mtim]
        try #require(utimensat(AT_FDCWD, fresh, &times, 0) == 0)
        try #require(rename(fresh, dir.config) == 0)
        #expect(try cache.load(path: dir.config).cpuSharedSet == CPUSet([1, 2, 3]))
    }

    @Test func aConfigThatBreaksIsAnErrorOnEveryPollNeverTheOldConfig() throws {
        let dir = try Dir()
        try dir.write(Self.shared("0-3"))
        let cache = ComputeConfigCache(settle: 0)
        _ = try cache.load(path: dir.config)
        Self.nextTick()
        try dir.write(Self.shared("0-x"))
        for _ in 0..<2 {
            #expect { try cache.load(path: dir.config) } throws: { "\($0)".contains("cpu_shared_set") }
        }
        try FileManager.default.removeItem(atPath: dir.config)
        #expect { try cache.load(path: dir.config) } throws: { "\($0)".contains("is missing") }
    }

    /// A file changed within the clock tick of its last change could be
    /// rewritten again without its stamp moving: such a fresh file is
    /// parsed on every poll until it has settled.
    @Test func aFileChangedJustNowIsNotKept() throws {
        let dir = try Dir()
        try dir.write(Self.shared("0-3"))
        let cache = ComputeConfigCache(settle: 60)
        _ = try cache.load(path: dir.config)
        _ = try cache.load(path: dir.config)
        #expect(cache.parses == 2)
    }

    /// Through the dashboard's loader, with the default settling time: a
    /// config older than that, rewritten in place with its old modification
    /// time, moves CPUs between the sets on the next poll.
    @Test func theLoaderSeesAConfigRewrittenWithItsOldModificationTime() throws {
        let b = try DeviceRootBuilder()
        defer { b.remove() }
        try b.writeFourCPUsOnOneNode()
        try b.write("sys/devices/system/node/node0/meminfo", "Node 0 MemTotal: 8388608 kB\nNode 0 MemFree: 4194304 kB\n")
        let dir = try Dir()
        try dir.write("[compute]\ncpu_dedicated_set = 2-3\n")
        let loader = SnapshotLoader(hostFile: nil, probe: ProbeOptions(sysfsRoot: b.path, configPath: dir.config,
                                                                       pciIDsPath: FixtureTree.pciIDs))
        // Older than the loader's settling time, so its parse is kept.
        usleep(1_200_000)
        #expect(try loader.load().cells.first?.pcpus == CPUSet([2, 3]))
        #expect(try loader.load().cells.first?.pcpus == CPUSet([2, 3]))
        let before = try dir.status()
        try dir.write("[compute]\ncpu_dedicated_set = 1-3\n")
        try dir.setTimes(from: before)
        #expect(try loader.load().cells.first?.pcpus == CPUSet([1, 2, 3]))
    }
}
