@testable import BoundedFile
import Foundation
import Testing
@testable import HostProbes

/// The one reader for host and input files: only regular files, never more
/// than its limit, and never a read that waits for a writer.
@Suite struct BoundedFileReaderTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "restrack-reader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }

    @Test func aFIFOIsRefusedAtOnce() throws {
        defer { cleanup() }
        let fifo = dir + "/pipe"
        try HangGuard.mkfifo(fifo)
        let result = try HangGuard.run(fifos: [fifo]) { BoundedFileReader().read(fifo) }
        #expect(result == .failure(.notRegularFile("a FIFO")))
        #expect(BoundedFileReader.Failure.notRegularFile("a FIFO").words == "is a FIFO, not a regular file")
    }

    @Test func devicesDirectoriesAndMissingFilesAreFailuresInWords() throws {
        defer { cleanup() }
        #expect(BoundedFileReader().read("/dev/zero") == .failure(.notRegularFile("a character device")))
        #expect(BoundedFileReader().read(dir) == .failure(.notRegularFile("a directory")))
        #expect(BoundedFileReader().read(dir + "/nothing") == .failure(.missing))
        // Where links are not wanted, one is refused rather than followed.
        let target = dir + "/real", link = dir + "/link"
        try Data("x".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(BoundedFileReader(followsLinks: false).read(link) == .failure(.notRegularFile("a symbolic link")))
        #expect(BoundedFileReader().read(link) == .success(Array("x".utf8)))
    }

    @Test func aFileOverTheLimitIsRefusedBeforeItIsRead() throws {
        defer { cleanup() }
        // Sparse: 1 GiB that takes no space, refused by its size alone.
        let big = dir + "/big.json"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let fd = open(big, O_WRONLY)
        #expect(ftruncate(fd, 1 << 30) == 0)
        close(fd)
        let start = ContinuousClock.now
        #expect(BoundedFileReader().read(big) == .failure(.tooLarge(limit: BoundedFileReader.maxDocumentBytes)))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(BoundedFileReader.Failure.tooLarge(limit: 64 << 20).words.contains("64 MiB"))
        // The limit holds for the bytes read too (proc and sysfs sizes lie).
        let small = dir + "/small"
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: small))
        #expect(BoundedFileReader(limit: 4999).read(small) == .failure(.tooLarge(limit: 4999)))
        #expect(BoundedFileReader(limit: 5000).read(small).map(\.count) == .success(5000))
        // proc reports size 0 and is read to its end.
        let meminfo = try BoundedFileReader().read("/proc/self/status").get()
        #expect(String(decoding: meminfo, as: UTF8.self).contains("Pid:"))
    }

    @Test func relativeNamesOpenInTheGivenDirectory() throws {
        defer { cleanup() }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/0001.host.json"))
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(dfd) }
        var buffer: [UInt8] = Array(repeating: 9, count: 100)
        let result = BoundedFileReader().read("0001.host.json", directoryFD: dfd, into: &buffer)
        #expect((try? result.get()) != nil)
        #expect(buffer == Array("{}".utf8))
    }

    @Test func aFailureKeepsTheErrnoBehindItAndAKindRefusalHasNone() throws {
        defer { cleanup() }
        var buffer: [UInt8] = []
        let reader = BoundedFileReader()
        // Missing: ENOENT, and ENOTDIR through a file used as a directory.
        #expect(reader.readCounted(dir + "/nothing", into: &buffer) == .failure(.init(.missing, errno: ENOENT)))
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/file"))
        #expect(reader.readCounted(dir + "/file/below", into: &buffer) == .failure(.init(.missing, errno: ENOTDIR)))
        // A directory, a device or a FIFO is refused for what it is: no errno.
        #expect(reader.readCounted(dir, into: &buffer) == .failure(.init(.notRegularFile("a directory"), errno: nil)))
        #expect(reader.readCounted("/dev/null", into: &buffer)
            == .failure(.init(.notRegularFile("a character device"), errno: nil)))
        let fifo = dir + "/pipe"
        try HangGuard.mkfifo(fifo)
        let result = try HangGuard.run(fifos: [fifo]) { () -> Result<Int, BoundedFileReader.Refusal> in
            var local: [UInt8] = []
            return BoundedFileReader().readCounted(fifo, into: &local)
        }
        #expect(result == .failure(.init(.notRegularFile("a FIFO"), errno: nil)))
        // Too large, by size or by the bytes read: no errno either.
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: dir + "/small"))
        #expect(reader.readCounted(dir + "/small", into: &buffer, limit: 100)
            == .failure(.init(.tooLarge(limit: 100), errno: nil)))
        #expect(buffer.isEmpty)
    }

    @Test func aPerCallLimitOverridesTheReadersAndTruncationKeepsTheHead() throws {
        defer { cleanup() }
        let path = dir + "/numbers"
        let content = Array((0..<10_000).map { UInt8(truncatingIfNeeded: $0) })
        try Data(content).write(to: URL(fileURLWithPath: path))
        var buffer: [UInt8] = []
        // The reader's own limit is too small; the call's is not.
        let small = BoundedFileReader(limit: 10)
        #expect(small.readCounted(path, into: &buffer, limit: 10_000) == .success(10_000))
        #expect(buffer == content)
        // Truncating: exactly the first `limit` bytes, even past st_size's check.
        #expect(small.readCounted(path, into: &buffer, overflow: .truncate) == .success(10))
        #expect(buffer == Array(content.prefix(10)))
        #expect(small.readCounted(path, into: &buffer, limit: 6000, overflow: .truncate) == .success(6000))
        #expect(buffer == Array(content.prefix(6000)))
        // proc reports size 0; a truncated read still stops at the limit.
        #expect(BoundedFileReader().readCounted("/proc/self/status", into: &buffer, limit: 5, overflow: .truncate)
            == .success(5))
        #expect(buffer == Array("Name:".utf8))
    }

    /// A captured root on tmpfs can hold a sparse file that says it is
    /// Int64.max bytes long: its size is a hint, never added to.
    @Test func aFileThatSaysItIsInt64MaxIsReadToTheLimit() throws {
        let shm = "/dev/shm/restrack-huge-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: shm, contents: Data("Name:\tqemu\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: shm) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: shm))
        try handle.truncate(atOffset: UInt64(Int64.max))
        try handle.close()
        var buffer: [UInt8] = []
        #expect(BoundedFileReader().readCounted(shm, into: &buffer, limit: 11, overflow: .truncate) == .success(11))
        #expect(buffer == Array("Name:\tqemu\n".utf8))
        #expect(BoundedFileReader(limit: 64).read(shm) == .failure(.tooLarge(limit: 64)))
        let result = shm.withCString { TaskFileRead.read($0, relativeTo: AT_FDCWD, limit: 11, into: &buffer) }
        #expect(result == .success(11))
        #expect(buffer == Array("Name:\tqemu\n".utf8))
    }

    @Test func theBufferIsReusedAndHoldsOnlyTheLatestFile() throws {
        defer { cleanup() }
        try Data(repeating: 0x42, count: 9000).write(to: URL(fileURLWithPath: dir + "/long"))
        try Data("short".utf8).write(to: URL(fileURLWithPath: dir + "/short"))
        var buffer: [UInt8] = []
        #expect(BoundedFileReader().readCounted(dir + "/long", into: &buffer) == .success(9000))
        let capacity = buffer.capacity
        #expect(BoundedFileReader().readCounted(dir + "/short", into: &buffer) == .success(5))
        #expect(buffer == Array("short".utf8))
        #expect(buffer.capacity >= capacity)
    }

    @Test func enoughEndsTheReadWithTheBytesSoFar() throws {
        // proc reports size 0, so its files are read in chunks; smaps of a
        // test process runs to many of them.
        let path = "/proc/self/smaps"
        var buffer: [UInt8] = []
        let whole = try BoundedFileReader().readCounted(path, into: &buffer, enough: { _, _, _ in false }).get()
        #expect(whole > 4096)
        var calls = 0
        let result = BoundedFileReader().readCounted(path, into: &buffer, enough: { bytes, start, end in
            calls += 1
            #expect(start == 0 && end > 0 && end <= bytes.count)
            return true
        })
        let count = try result.get()
        #expect(calls == 1)
        #expect(count <= 4096)
        #expect(buffer.count == count)
    }

    @Test func aBytePathReadsRelativeToTheDirectory() throws {
        defer { cleanup() }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: dir + "/f"))
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(dfd) }
        var buffer: [UInt8] = []
        let name: [CChar] = [CChar(UInt8(ascii: "f")), 0]
        let result = name.withUnsafeBufferPointer { p -> Result<Int, BoundedFileReader.Refusal> in
            guard let base = p.baseAddress else { return .failure(.init(.missing, errno: nil)) }
            return BoundedFileReader().readCounted(cPath: base, directoryFD: dfd, into: &buffer)
        }
        #expect(result == .success(3))
        #expect(buffer == Array("abc".utf8))
    }
}
